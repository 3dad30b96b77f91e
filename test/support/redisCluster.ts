import { spawnSync } from 'node:child_process';
import { RedisServer, waitFor } from './redisServer.js';

/**
 * A local Redis Cluster of three masters (no replicas): three `redis-server --cluster-enabled yes`
 * on free loopback ports, joined by `redis-cli --cluster create`.
 */
export class RedisCluster {
  readonly nodes = [0, 1, 2].map(
    () =>
      new RedisServer([
        '--cluster-enabled',
        'yes',
        '--cluster-node-timeout',
        '2000',
        '--cluster-config-file',
        'nodes.conf',
      ]),
  );

  /** The ports of the three masters. */
  get ports(): number[] {
    return this.nodes.map((node) => node.port);
  }

  /** Starts the nodes, creates the cluster, and waits until every node reports `cluster_state:ok`. */
  async start(): Promise<this> {
    await Promise.all(this.nodes.map((node) => node.start()));
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...this.ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8' },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await waitFor(
      () => this.nodes.every((node) => node.cli('CLUSTER', 'INFO').includes('cluster_state:ok')),
      'cluster_state:ok on every node',
      20_000,
      100,
    );
    return this;
  }

  /** The port of the master holding `key`'s slot. */
  masterOf(key: string): number {
    const slot = Number(this.nodes[0]!.cli('CLUSTER', 'KEYSLOT', key));
    const shards = this.nodes[0]!.cli('CLUSTER', 'SLOTS');
    // redis-cli prints each range as: start, end, ip, port, id … one value per line.
    const lines = shards.split('\n').map((line) => line.trim());
    for (let i = 0; i + 3 < lines.length; i++) {
      const start = Number(lines[i]);
      const end = Number(lines[i + 1]);
      if (lines[i + 2] === '127.0.0.1' && slot >= start && slot <= end) return Number(lines[i + 3]);
    }
    throw new Error(`no master found for slot ${slot}`);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.dispose()));
  }
}
