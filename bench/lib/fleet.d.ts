export function wall(): number;
export interface MemberMessage {
  ev: string;
  at?: number;
  to?: string;
  reason?: string;
  log?: { at: number[]; failed: number[] };
  error?: string;
  stats?: object;
}
export class Member {
  readonly id: string;
  messages: MemberMessage[];
  constructor(id: string);
  send(command: object): void;
  next(
    match: (m: MemberMessage) => boolean,
    what: string,
    since?: number,
    timeout?: number,
  ): Promise<MemberMessage>;
  exit(): Promise<void>;
  kill(): void;
}
export function startFleet(
  count: number,
  setup: { port: number; namespace: string; store?: object; breaker?: object },
): Promise<Member[]>;
export function allIn(members: Member[], state: string, since: number[]): Promise<MemberMessage[]>;
