"""The Lua scripts of the Valkey/Redis quota store (each runs atomically on the server).

Argument layout shared by every script: ``KEYS[1]`` is the limits hash; ``ARGV[1]`` = n, the number of
configured limits, followed by n (agency, limit) pairs, which every script first writes with HSETNX so that a
server that lost its data (restart without persistence) gets the configured limits back before anything reads
them; the script's own arguments start at ``ARGV[a]``, always with the key prefix first and ``now`` (UTC µs,
from the store's injected clock, as a decimal string) second.

Keys under the prefix P: ``P:limits`` (hash agency -> limit), ``P:active:<agency>`` (sorted set of reservation
ids scored by expiry µs), ``P:res:<id>`` (hash: agency, holder, kind, camera_id, created_us, expires_us).
Scripts derive keys from the prefix, so they run on a standalone (or replicated/sentinel) server, not a
cluster. Times are passed as strings and never formatted by Lua (whose number formatting would round µs).
"""

from __future__ import annotations

SEED = """
local n = tonumber(ARGV[1])
for i = 0, n - 1 do
  redis.call('HSETNX', KEYS[1], ARGV[2 + 2 * i], ARGV[3 + 2 * i])
end
local a = 2 + 2 * n
local prefix, now = ARGV[a], ARGV[a + 1]
local function drop_stale(agency)
  local zkey = prefix .. ':active:' .. agency
  local stale = redis.call('ZRANGEBYSCORE', zkey, '-inf', now)
  for _, id in ipairs(stale) do
    redis.call('DEL', prefix .. ':res:' .. id)
  end
  if #stale > 0 then
    redis.call('ZREMRANGEBYSCORE', zkey, '-inf', now)
  end
  return #stale
end
"""

# ARGV[a+2..]: agency, id, holder, kind, camera_id ('' = none), expires_us.
# Returns {1, group, limit, used_after} when granted, {0, group, limit, used} when the quota is used up.
RESERVE = (
    SEED
    + """
local agency, id, holder, kind = ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]
local camera, expires = ARGV[a + 6], ARGV[a + 7]
local limit = redis.call('HGET', KEYS[1], agency)
if not limit then
  agency = 'OTHER'
  limit = redis.call('HGET', KEYS[1], agency)
end
limit = tonumber(limit)
drop_stale(agency)
local zkey = prefix .. ':active:' .. agency
local used = redis.call('ZCARD', zkey)
if used >= limit then
  return {0, agency, limit, used}
end
redis.call('ZADD', zkey, expires, id)
redis.call('HSET', prefix .. ':res:' .. id, 'agency', agency, 'holder', holder, 'kind', kind,
  'camera_id', camera, 'created_us', now, 'expires_us', expires)
return {1, agency, limit, used + 1}
"""
)

# ARGV[a+2]: id. Returns 1 if the reservation was live, 0 otherwise; deletes it either way.
RELEASE = (
    SEED
    + """
local id = ARGV[a + 2]
local rkey = prefix .. ':res:' .. id
local agency = redis.call('HGET', rkey, 'agency')
if not agency then
  return 0
end
local zkey = prefix .. ':active:' .. agency
local score = redis.call('ZSCORE', zkey, id)
redis.call('ZREM', zkey, id)
redis.call('DEL', rkey)
if score and tonumber(score) > tonumber(now) then
  return 1
end
return 0
"""
)

# ARGV[a+2..]: id, candidate expiry (now + ttl). Returns the reservation hash as a flat list, or nil when it
# is unknown or stale (a stale one is deleted). The expiry never moves backwards.
HEARTBEAT = (
    SEED
    + """
local id, candidate = ARGV[a + 2], ARGV[a + 3]
local rkey = prefix .. ':res:' .. id
local agency = redis.call('HGET', rkey, 'agency')
if not agency then
  return false
end
local zkey = prefix .. ':active:' .. agency
local score = redis.call('ZSCORE', zkey, id)
if (not score) or tonumber(score) <= tonumber(now) then
  redis.call('ZREM', zkey, id)
  redis.call('DEL', rkey)
  return false
end
if tonumber(candidate) > tonumber(score) then
  redis.call('ZADD', zkey, 'XX', candidate, id)
  redis.call('HSET', rkey, 'expires_us', candidate)
end
return redis.call('HGETALL', rkey)
"""
)

# Returns a flat list agency, limit, live reservations for every agency with a limit.
STATS = (
    SEED
    + """
local limits = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #limits, 2 do
  local used = redis.call('ZCOUNT', prefix .. ':active:' .. limits[i], '(' .. now, '+inf')
  table.insert(out, limits[i])
  table.insert(out, tonumber(limits[i + 1]))
  table.insert(out, used)
end
return out
"""
)

# Returns how many stale reservations were deleted.
CLEANUP = (
    SEED
    + """
local removed = 0
for _, agency in ipairs(redis.call('HKEYS', KEYS[1])) do
  removed = removed + drop_stale(agency)
end
return removed
"""
)

# ARGV[a+2..]: agency, limit ('' to only read). Returns the limits hash as a flat list.
LIMITS = (
    SEED
    + """
if ARGV[a + 2] ~= '' then
  redis.call('HSET', KEYS[1], ARGV[a + 2], ARGV[a + 3])
end
return redis.call('HGETALL', KEYS[1])
"""
)
