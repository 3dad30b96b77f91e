import { PRELUDE } from './prelude.js';

/**
 * The half-open lease (`SET NX PX`, keyed by the epoch): granted to the first instance that asks
 * while the fleet is half-open, renewed by its holder, refused to others with the time it has left.
 * With ms 0 the holder gives it up (and leaves the presence set: a binding released).
 *
 * KEYS: 1-5 (see the prelude).
 * ARGV: 1 token, 2 epoch, 3 ms (0: release).
 * Reply verdicts (extra: ms): granted (the lease's ms), held (ms until it expires), wait (the fleet
 * is open: ms until it is due), none (the fleet is closed: the local rule decides), refused
 * (forced open), stale (the asker's epoch is old: it learns the new state), released.
 */
export const LEASE = `${PRELUDE}
local s = fleet()
local mine = s.epoch .. ':' .. ARGV[1]
local ms = tonumber(ARGV[3])
if ms == 0 then
  if redis.call('GET', KEYS[4]) == mine then redis.call('DEL', KEYS[4]) end
  redis.call('ZREM', KEYS[5], ARGV[1])
  return reply(s, 'released')
end
if tonumber(ARGV[2]) < s.epoch then return reply(s, 'stale') end
local v = view(s)
if v == 'closed' or v == 'forced_closed' then return reply(s, 'none') end
if v == 'forced_open' then return reply(s, 'refused') end
if v == 'open' then return reply(s, 'wait', s.retryAt - now) end
local current = redis.call('GET', KEYS[4])
if current == false or current == mine or string.sub(current, 1, #tostring(s.epoch) + 1) ~= s.epoch .. ':' then
  redis.call('SET', KEYS[4], mine, 'PX', ms)
  return reply(s, 'granted', ms)
end
return reply(s, 'held', math.max(1, redis.call('PTTL', KEYS[4])))
`;
