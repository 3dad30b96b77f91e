import type { Command } from '../Command.js';
import { dashboard } from './dashboard.js';
import { demo } from './demo.js';
import { forceClose } from './force-close.js';
import { forceOpen } from './force-open.js';
import { open } from './open.js';
import { reset } from './reset.js';
import { status } from './status.js';
import { watch } from './watch.js';

/** Every `breakwater` command, in the order `--help` lists them; each lives in its own file. */
export const commands: readonly Command[] = [
  demo,
  status,
  watch,
  open,
  forceOpen,
  forceClose,
  reset,
  dashboard,
];
