/** What the cockatiel program and its port both offer, so that one test drives either. */
export interface InventoryService {
  /** Units in stock of `sku`, or `'unknown'` while the breaker refuses calls. */
  stock(sku: string): Promise<number | 'unknown'>;
  /** Stops listening to the breaker. */
  close(): void;
}
