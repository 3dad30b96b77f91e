import { PRELUDE } from './prelude.js';

/**
 * The flush: one instance's report of outcomes, as per-bucket deltas in Redis time. Skips a report
 * whose sequence number it has seen (a retried flush never counts twice); adds the current epoch's
 * buckets into the shared window (HINCRBY) and every report into the cumulative totals; keeps the
 * fleet's failure run in flush order; evaluates the shared rules with the reporter's options and
 * opens the fleet if one holds (`quorum` 1 only); deletes the buckets that left the window since
 * the last report (`swept` in the state hash); refreshes presence and TTLs; returns the shared
 * state (every flush is also a resync). Seeds the epoch from the reporter when the keys were lost.
 *
 * KEYS: 1-5 (see the prelude), 6 the reporter's sequence key.
 * ARGV: 1 name, 2 channel, 3 token, 4 seq, 5 epoch, 6 width, 7 buckets, 8 margin, 9 presence ms,
 * 10 failureThreshold (0 off), 11 failureRate (0 off), 12 slowRate (0 off), 13 minimumCalls,
 * 14 openFor, 15 quorum, 16 leading failures, 17 had a success (0/1), 18 trailing failures,
 * 19 rule hash, 20 resetTimeout, 21 slot count, then per slot: epoch, bucket, calls, failures, slow.
 * Reply extra: bit 1 when the reporter's rule hash differs from the last one stored, bit 2 when the
 * breaker had no state (new, expired or lost keys: the index is refreshed).
 */
export const REPORT = `${PRELUDE}
local s = fleet()
local seeded = 0
if not s.exists then seeded = 2 end
local epoch = tonumber(ARGV[5])
if epoch > s.epoch or not s.exists then
  if epoch > s.epoch then s.epoch = epoch end
  redis.call('HSET', KEYS[1], 'epoch', s.epoch, 'state', s.state)
  s.exists = true
end
local width, buckets, margin = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local keep = width * buckets
redis.call('ZADD', KEYS[5], now + tonumber(ARGV[9]), ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
redis.call('PEXPIRE', KEYS[5], keep + margin)
local mismatch = 0
local rules = redis.call('HGET', KEYS[1], 'rules')
if rules and rules ~= ARGV[19] then mismatch = 1 end
local current = math.floor(now / width)
local oldest = current - buckets + 1
local run = 0
local added = false
local seq = tonumber(ARGV[4])
local last = tonumber(redis.call('GET', KEYS[6]) or '0')
if seq > last then
  redis.call('SET', KEYS[6], seq, 'PX', keep + margin)
  local calls, failures, slow = 0, 0, 0
  for i = 0, tonumber(ARGV[21]) - 1 do
    local b = 22 + i * 5
    local e, id = tonumber(ARGV[b]), tonumber(ARGV[b + 1])
    local c, f, sl = tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])
    calls, failures, slow = calls + c, failures + f, slow + sl
    if e == s.epoch and id >= oldest and id <= current + 1 then
      local p = width .. ':' .. id .. ':'
      if c > 0 then redis.call('HINCRBY', KEYS[2], p .. 'c', c) end
      if f > 0 then redis.call('HINCRBY', KEYS[2], p .. 'f', f) end
      if sl > 0 then redis.call('HINCRBY', KEYS[2], p .. 's', sl) end
    end
  end
  if calls > 0 then
    redis.call('HINCRBY', KEYS[1], 'calls', calls)
    redis.call('HINCRBY', KEYS[1], 'failures', failures)
    redis.call('HINCRBY', KEYS[1], 'slow', slow)
  end
  if epoch == s.epoch and calls > 0 then
    added = true
    if ARGV[17] == '1' then
      run = s.consec + tonumber(ARGV[16])
      s.consec = tonumber(ARGV[18])
    else
      s.consec = s.consec + failures
    end
    if s.consec > run then run = s.consec end
    redis.call('HSET', KEYS[1], 'consec', s.consec)
  end
end
-- Buckets that left the window are deleted, however long since the last report: one HDEL per
-- bucket since the last sweep, or (after a long quiet spell or a change of width) one pass over the
-- fields, so the window never holds more than its live buckets whatever the sync rhythm.
local swept = redis.call('HMGET', KEYS[1], 'swept', 'width')
local from = tonumber(swept[1]) or (oldest - 3)
local sameWidth = swept[2] == false or tonumber(swept[2]) == width
if sameWidth and oldest - from <= 64 then
  for id = from, oldest - 1 do
    local p = width .. ':' .. id .. ':'
    redis.call('HDEL', KEYS[2], p .. 'c', p .. 'f', p .. 's')
  end
else
  local start = oldest * width
  for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
    local w, id = string.match(field, '^(%d+):(%-?%d+):')
    if w == nil or (tonumber(id) + 1) * tonumber(w) <= start then redis.call('HDEL', KEYS[2], field) end
  end
end
redis.call('HSET', KEYS[1], 'rules', ARGV[19], 'width', width, 'buckets', buckets, 'resetTimeout', ARGV[20],
  'swept', oldest)
redis.call('PEXPIRE', KEYS[2], keep + margin)
if tonumber(ARGV[15]) == 1 and s.state == 'closed' and epoch == s.epoch and added then
  local c, f, sl = 0, 0, 0
  for id = oldest, current + 1 do
    local p = width .. ':' .. id .. ':'
    local v = redis.call('HMGET', KEYS[2], p .. 'c', p .. 'f', p .. 's')
    c = c + (tonumber(v[1]) or 0)
    f = f + (tonumber(v[2]) or 0)
    sl = sl + (tonumber(v[3]) or 0)
  end
  if c >= tonumber(ARGV[13]) then
    local reason = nil
    local ft, fr, sr = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])
    if ft > 0 and run >= ft then reason = 'failure_threshold'
    elseif fr > 0 and f / c >= fr then reason = 'failure_rate'
    elseif sr > 0 and sl / c >= sr then reason = 'slow_call_rate' end
    if reason then change(s, 'open', reason, tonumber(ARGV[14]), 1, '', ARGV[1], ARGV[2], keep, margin) end
  end
end
expire(s, keep, margin)
return reply(s, 'reported', mismatch + seeded)
`;
