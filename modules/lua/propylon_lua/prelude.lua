-- Runs once in each runtime (one per script configuration and worker), before any script.
-- It keeps private references to what it needs, builds a fresh global table per request
-- (KrakenD runs every request in a new Lua state), and returns the runtime's API.
-- Arguments: H, the host's functions; OPEN, whether allow_open_libs is set.
local H, OPEN = ...

local pairs, ipairs, type, select, error, tostring, tonumber, rawequal =
  pairs, ipairs, type, select, error, tostring, tonumber, rawequal
local setmetatable, getmetatable, setfenv, loadstring, pcall, newproxy =
  setmetatable, getmetatable, setfenv, loadstring, pcall, newproxy
local co_create, co_resume, co_yield, co_running, co_status =
  coroutine.create, coroutine.resume, coroutine.yield, coroutine.running, coroutine.status
local sethook, concat, sub = debug.sethook, table.concat, string.sub
local REAL_G = _G

-- Compiled traces do not run hooks: the interpreter keeps every run bounded.
jit.off()
jit.flush()

-- The run bound: every TICK instructions the host says whether the run is past its
-- deadline; once it is, the hook fires on every instruction so a pcall cannot swallow it.
local TICK = 10000
local tick = H.tick
local hook
hook = function()
  if tick() then
    sethook(hook, "", 1)
    error("script timeout: ran past its time bound", 2)
  end
end
local function arm()
  sethook(hook, "", TICK)
end
arm()

local BASE_NAMES = {
  "assert", "error", "ipairs", "next", "pairs", "pcall", "print", "rawequal", "rawget",
  "rawset", "select", "setmetatable", "getmetatable", "tonumber", "tostring", "type",
  "unpack", "xpcall", "_VERSION", "getfenv", "setfenv",
}
local OPEN_NAMES = { "dofile", "loadfile", "require", "module", "collectgarbage", "gcinfo" }
local LIB_NAMES = { "string", "table", "math", "coroutine" }
local OPEN_LIBS = { "os", "io", "debug", "package" }
-- Never reachable from a script: they would lift the bounds or leave the VM.
local DROP = { string = { dump = true }, debug = { sethook = true, gethook = true } }

local BASE, LIBS = {}, {}
for _, name in ipairs(BASE_NAMES) do BASE[name] = REAL_G[name] end
for _, name in ipairs(LIB_NAMES) do LIBS[name] = REAL_G[name] end
if OPEN then
  for _, name in ipairs(OPEN_NAMES) do BASE[name] = REAL_G[name] end
  for _, name in ipairs(OPEN_LIBS) do LIBS[name] = REAL_G[name] end
  for _, name in ipairs({ "jit", "ffi", "jit.opt", "jit.util", "jit.profile" }) do
    package.loaded[name] = nil
    package.preload[name] = nil
  end
  REAL_G.jit, REAL_G.python = nil, nil
else
  -- A sandbox: the state's own globals keep nothing a script could reach through getfenv.
  for name in pairs(REAL_G) do REAL_G[name] = nil end
end

local function copy(t, drop)
  local c = {}
  for k, v in pairs(t) do
    if not (drop and drop[k]) then c[k] = v end
  end
  return c
end

-- Yields to the host (HTTP calls, reading a client body) pass through the script's own
-- coroutines: MARK tells them apart from the script's yields.
local MARK = {}
local DRIVERS = setmetatable({}, { __mode = "k" })

local function await(...)
  return co_yield(MARK, ...)
end

local pass
pass = function(co, ok, first, ...)
  if ok and rawequal(first, MARK) and co_status(co) == "suspended" then
    return pass(co, co_resume(co, co_yield(MARK, ...)))
  end
  return ok, first, ...
end

local function resume(co, ...)
  return pass(co, co_resume(co, ...))
end

local function finish(ok, ...)
  if not ok then error((...), 0) end
  return ...
end

local function wrap(f)
  local co = co_create(f)
  return function(...) return finish(resume(co, ...)) end
end

local function yield(...)
  if DRIVERS[co_running()] then error("attempt to yield from outside a coroutine", 2) end
  return co_yield(...)
end

-- Text chunks only: crafted bytecode could crash the VM.
local function load_in(env, text, name)
  if type(text) ~= "string" then return nil, "a chunk must be a string" end
  if sub(text, 1, 1) == "\27" then return nil, "binary chunks are not loaded" end
  local f, err = loadstring(text, name)
  if f then setfenv(f, env) end
  return f, err
end

local function load_reader(env, reader, name)
  if type(reader) == "string" then return load_in(env, reader, name) end
  local parts = {}
  while true do
    local piece = reader()
    if piece == nil or piece == "" then break end
    if type(piece) ~= "string" then return nil, "reader function must return a string" end
    parts[#parts + 1] = piece
  end
  return load_in(env, concat(parts), name)
end

-- Boxes: a userdata per host value (a data table, a request...), its class the metatable.
local BOX = setmetatable({}, { __mode = "k" })
local CALL, NIL = H.call, H.NIL

local function unbox(u)
  return BOX[u]
end

local function arg(v)
  if type(v) == "userdata" then
    local boxed = BOX[v]
    if boxed ~= nil then return boxed end
  end
  return v
end

local CUSTOM = {}
local function custom_error(...)
  local n = select("#", ...)
  if n == 0 then error("need arguments", 2) end
  local msg, status, ctype = ...
  local err = setmetatable({ tostring(msg), -1, nil }, CUSTOM)
  if n >= 2 then err[2] = tonumber(status) or 0 end
  if n >= 3 then err[3] = tostring(ctype) end
  error(err, 0)
end

-- A fresh global table with the classes of one request.
local function new_env()
  local env = copy(BASE)
  for name, lib in pairs(LIBS) do env[name] = copy(lib, DROP[name]) end
  env._G = env
  env.loadstring = function(text, name) return load_in(env, text, name) end
  env.load = function(reader, name) return load_reader(env, reader, name) end
  env.coroutine.resume, env.coroutine.wrap, env.coroutine.yield = resume, wrap, yield
  if OPEN then setmetatable(env, { __index = REAL_G }) end

  local classes = {}
  local function class(name, expected, methods, statics)
    local proto = newproxy(true)
    local mt = getmetatable(proto)
    local index = {}
    for _, method in ipairs(methods) do
      index[method] = function(self, ...)
        local obj = getmetatable(self) == mt and BOX[self]
        if not obj then error(expected, 2) end
        local n = select("#", ...)
        local a, b = ...
        local kind, value = CALL(obj, method, n, arg(a), arg(b))
        if kind == 0 then return end
        if kind == 1 then return value end
        if kind == 5 then error(value, 2) end
        if kind == 7 then return await(value, obj) end
        local u = newproxy(classes[kind])
        BOX[u] = value
        return u
      end
    end
    mt.__index = index
    for k, v in pairs(statics or {}) do mt[k] = v end
    env[name] = mt
    return proto
  end
  local function boxed(kind, value)
    local u = newproxy(classes[kind])
    BOX[u] = value
    return u
  end

  local table_methods = { "get", "set", "len", "del", "keys", "keyExists" }
  local list_methods = { "get", "set", "len", "del" }
  classes[2] = class("luaTable", "response expected", table_methods, {
    new = function() return boxed(2, H.new_table()) end,
  })
  classes[3] = class("luaList", "response expected", list_methods, {
    new = function() return boxed(3, H.new_list()) end,
  })
  classes[4] = class("luaNil", "response expected", {}, {
    new = function() return boxed(4, NIL) end,
  })
  classes[6] = class("http_response", "response expected",
    { "statusCode", "headers", "headerList", "body", "close" }, {
      new = function(...)
        local n = select("#", ...)
        if n ~= 1 and n ~= 3 and n ~= 4 then error("need 1, 3 or 4 arguments", 2) end
        local url, method, body, headers = ...
        local got = await("http", n, tostring(url), n > 1 and tostring(method) or "GET",
          n > 1 and tostring(body) or "", headers)
        if type(got) == "string" then error(got, 2) end
        return boxed(6, got)
      end,
    })
  env.custom_error = custom_error
  env.json = {
    marshal = function(v)
      local kind, value = H.marshal(arg(v))
      if kind == 5 then error(value, 2) end
      return value
    end,
    unmarshal = function(text)
      local kind, value = H.unmarshal(tostring(text))
      if kind == 5 then error(value, 2) end
      if kind == 1 then return value end
      return boxed(kind, value)
    end,
  }

  local api = {}
  function api.request(obj)
    local p = class("request", "request expected",
      { "method", "path", "query", "url", "params", "headers", "headerList", "body" })
    env.request.load = function() local u = newproxy(p); BOX[u] = obj; return u end
  end
  function api.response(obj)
    local p = class("response", "response expected",
      { "isComplete", "statusCode", "data", "headers", "headerList", "body" })
    env.response.load = function() local u = newproxy(p); BOX[u] = obj; return u end
  end
  function api.ctx(obj)
    local p = class("ctx", "ginContext expected",
      { "method", "url", "host", "query", "params", "headers", "headerList", "body" })
    env.ctx.load = function() local u = newproxy(p); BOX[u] = obj; return u end
  end
  return env, api
end

local function describe(err)
  if type(err) == "table" and getmetatable(err) == CUSTOM then
    return "custom", err[1], err[2], err[3]
  end
  return "error", tostring(err)
end

-- The body of a host coroutine: one chunk run in one request's globals.
local function run(env, factory)
  DRIVERS[co_running()] = true
  setfenv(factory, env)
  local ok, err = pcall(factory())
  if ok then return "done" end
  return "fail", describe(err)
end

-- Compiled once: the chunk wrapped in a function, so each run gets a closure of its own
-- whose globals are its request's, even while another request's run is suspended.
local function compile(text, name)
  local f, err = loadstring(text, name)
  if not f then return nil, err end
  return loadstring("return function(...) " .. text .. "\nend", name)
end

return { new_env = new_env, run = run, compile = compile, arm = arm, unbox = unbox, await = await }
