import { PRELUDE } from './prelude.js';

/**
 * One breaker's fleet-wide figures for the admin interface: the shared state, the window's counts
 * (with the geometry the instances last reported; while open, the counts that opened it), the instances present, and the cumulative totals.
 *
 * KEYS: 1-5 (see the prelude).
 * Reply: false when the breaker has no state, else { epoch, state, retryAt, attempt, reason,
 * openedAt, calls, failures, slow, instances, now, totalCalls, totalFailures }.
 */
export const STATUS = `${PRELUDE}
local s = fleet()
if not s.exists then return false end
local g = redis.call('HMGET', KEYS[1], 'width', 'buckets', 'calls', 'failures')
local width, buckets = tonumber(g[1]) or 6000, tonumber(g[2]) or 10
local current = math.floor(now / width)
local c, f, sl = 0, 0, 0
for id = current - buckets + 1, current + 1 do
  local p = width .. ':' .. id .. ':'
  local v = redis.call('HMGET', KEYS[2], p .. 'c', p .. 'f', p .. 's')
  c = c + (tonumber(v[1]) or 0)
  f = f + (tonumber(v[2]) or 0)
  sl = sl + (tonumber(v[3]) or 0)
end
local v = view(s)
if v == 'open' or v == 'forced_open' then
  local frozen = redis.call('HMGET', KEYS[1], 'frozenCalls', 'frozenFailures', 'frozenSlow')
  c, f, sl = tonumber(frozen[1]) or 0, tonumber(frozen[2]) or 0, tonumber(frozen[3]) or 0
end
local instances = redis.call('ZCOUNT', KEYS[5], now, '+inf')
return { s.epoch, view(s), s.retryAt, s.attempt, s.reason, s.openedAt, c, f, sl, instances, now,
  tonumber(g[3]) or 0, tonumber(g[4]) or 0 }
`;
