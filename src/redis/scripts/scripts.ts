import { LEASE } from './lease.js';
import { REPORT } from './report.js';
import { Script } from './Script.js';
import { STATUS } from './status.js';
import { TRANSITION } from './transition.js';

/** The store's scripts, each with its SHA-1 computed once. */
export const SCRIPTS = Object.freeze({
  report: new Script(REPORT),
  transition: new Script(TRANSITION),
  lease: new Script(LEASE),
  status: new Script(STATUS),
});
