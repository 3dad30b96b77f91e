/**
 * Lua shared by every script: Redis `TIME` in ms (the only clock stored in Redis), the breaker's
 * shared state as a table (`open` reads `half_open` from its deadline on), the reply every script
 * returns, the TTL rule, and `change()`: a shared transition, which raises the epoch, starts a fresh
 * window, drops the lease and publishes the new state.
 *
 * KEYS: 1 state, 2 window, 3 trips, 4 lease, 5 presence.
 * Reply: { verdict, epoch, state, retryAt, attempt, reason, now, author, extra }.
 */
export const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function fleet()
  local f = redis.call('HMGET', KEYS[1], 'epoch', 'state', 'retryAt', 'attempt', 'reason', 'openedAt', 'period', 'consec', 'by')
  local s = { epoch = tonumber(f[1]), state = f[2] or 'closed', retryAt = tonumber(f[3]) or 0,
    attempt = tonumber(f[4]) or 0, reason = f[5] or '', openedAt = tonumber(f[6]) or 0,
    period = tonumber(f[7]) or 0, consec = tonumber(f[8]) or 0, by = f[9] or '' }
  s.exists = s.epoch ~= nil
  s.epoch = s.epoch or 0
  return s
end
local function view(s)
  if s.state == 'open' and now >= s.retryAt then return 'half_open' end
  return s.state
end
local function reply(s, verdict, extra)
  return { verdict, s.epoch, view(s), s.retryAt, s.attempt, s.reason, now, s.by, extra or 0 }
end
local function expire(s, keep, margin)
  if s.state == 'open' and s.retryAt - now > keep then keep = s.retryAt - now end
  redis.call('PEXPIRE', KEYS[1], keep + margin)
end
local function change(s, state, reason, openFor, attempt, by, name, channel, keep, margin)
  local was = s.state
  s.epoch = s.epoch + 1
  s.state = state
  s.reason = reason
  s.consec = 0
  s.by = by
  if state == 'open' then
    s.period = openFor
    s.retryAt = now + openFor
    s.attempt = attempt
  elseif state == 'closed' then
    s.attempt = 0
  end
  if state == 'open' or state == 'forced_open' then s.openedAt = now else s.openedAt = 0 end
  -- An open breaker keeps showing the counts that opened it (the admin view), as a local one does.
  -- (An open moved by hand keeps the counts of the opening before it.)
  if (state == 'open' or state == 'forced_open') and was ~= 'open' and was ~= 'forced_open' then
    local fc, ff, fs = 0, 0, 0
    local all = redis.call('HGETALL', KEYS[2])
    for i = 1, #all, 2 do
      local kind, v = string.sub(all[i], -1), tonumber(all[i + 1]) or 0
      if kind == 'c' then fc = fc + v elseif kind == 'f' then ff = ff + v elseif kind == 's' then fs = fs + v end
    end
    redis.call('HSET', KEYS[1], 'frozenCalls', fc, 'frozenFailures', ff, 'frozenSlow', fs)
  end
  redis.call('HSET', KEYS[1], 'epoch', s.epoch, 'state', state, 'retryAt', s.retryAt, 'attempt', s.attempt,
    'reason', reason, 'openedAt', s.openedAt, 'period', s.period, 'consec', 0, 'by', by, 'changedAt', now)
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
  expire(s, keep, margin)
  redis.call('PUBLISH', channel, cjson.encode({ n = name, e = s.epoch, s = view(s), r = s.retryAt,
    a = s.attempt, w = reason, t = now, b = by }))
end
`;
