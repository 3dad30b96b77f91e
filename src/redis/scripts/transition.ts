import { PRELUDE } from './prelude.js';

/**
 * A local transition (or an operator's command) applied to the shared state, fenced by the epoch:
 * a decision made under an older epoch than the fleet's is `stale` and changes nothing. Trips open
 * the fleet (with `quorum` > 1 only once that many distinct instances tripped within the window;
 * before that the trip stays `local`); half-open decisions apply while the fleet is open or
 * half-open (a local round of a closed fleet stays `local`); manual control always applies.
 * Open → half-open is never sent: it follows from the deadline.
 *
 * KEYS: 1-5 (see the prelude).
 * ARGV: 1 name, 2 channel, 3 token (`''` for an operator), 4 instanceId, 5 base epoch (-1 for an
 * operator: no fencing, but some instance must be bound), 6 to, 7 reason, 8 openFor (-1: the last
 * open period), 9 backoff attempt (0: the fleet's), 10 quorum, 11 window ms, 12 margin, 13 until
 * (optional; Redis ms when an opening decided by an instance ends: one that reaches Redis late, after
 * a stall or once Redis answers again, opens only for what is left, and not at all once it passed).
 * Reply verdicts: accepted (extra 2 when the breaker had no state), stale, local, late, unknown.
 */
export const TRANSITION = `${PRELUDE}
local s = fleet()
local seeded = 0
if not s.exists then seeded = 2 end
local base = tonumber(ARGV[5])
if base < 0 then
  if redis.call('ZCOUNT', KEYS[5], now, '+inf') == 0 then return reply(s, 'unknown') end
elseif base < s.epoch then
  return reply(s, 'stale')
elseif base > s.epoch then
  s.epoch = base
end
local to, reason, keep, margin = ARGV[6], ARGV[7], tonumber(ARGV[11]), tonumber(ARGV[12])
local openFor, attempt = tonumber(ARGV[8]), tonumber(ARGV[9])
local untilAt = tonumber(ARGV[13] or '0') or 0
if untilAt > 0 and to == 'open' then
  if untilAt <= now then return reply(s, 'late') end
  openFor = math.min(openFor, untilAt - now)
end
if openFor < 0 then
  openFor = s.period
  if openFor <= 0 then openFor = tonumber(redis.call('HGET', KEYS[1], 'resetTimeout') or '60000') end
end
if attempt < 1 then attempt = math.max(1, s.attempt) end
local v = view(s)
if reason == 'failure_threshold' or reason == 'failure_rate' or reason == 'slow_call_rate' then
  local quorum = tonumber(ARGV[10])
  if quorum > 1 then
    redis.call('ZADD', KEYS[3], now, ARGV[4])
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - keep)
    redis.call('PEXPIRE', KEYS[3], keep + margin)
    if redis.call('ZCARD', KEYS[3]) < quorum then return reply(s, 'local') end
  end
  if v ~= 'closed' then return reply(s, 'local') end
  change(s, 'open', reason, openFor, attempt, ARGV[3], ARGV[1], ARGV[2], keep, margin)
elseif reason == 'trial_succeeded' then
  if v ~= 'half_open' and v ~= 'open' then return reply(s, 'local') end
  change(s, 'closed', reason, 0, 0, ARGV[3], ARGV[1], ARGV[2], keep, margin)
elseif reason == 'trial_failed' or reason == 'half_open_timeout' then
  if v ~= 'half_open' and v ~= 'open' then return reply(s, 'local') end
  change(s, 'open', reason, openFor, attempt, ARGV[3], ARGV[1], ARGV[2], keep, margin)
elseif reason == 'manual_open' then
  change(s, 'open', reason, openFor, attempt, ARGV[3], ARGV[1], ARGV[2], keep, margin)
elseif reason == 'force_open' or reason == 'force_close' then
  change(s, to, reason, 0, 0, ARGV[3], ARGV[1], ARGV[2], keep, margin)
elseif reason == 'reset' then
  change(s, 'closed', reason, 0, 0, ARGV[3], ARGV[1], ARGV[2], keep, margin)
else
  return reply(s, 'local')
end
return reply(s, 'accepted', seeded)
`;
