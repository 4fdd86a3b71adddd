-- wrk: a filtered event list whose querystring changes on every request, so that no response can
-- come from the page cache (each is a new URL). Used by benchmarks/load.sh.
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local year = 1977 + counter % 49
  return wrk.format("GET", "/en/events/?country=ID&country=PH&year_from=" .. year .. "&v=" .. tid .. "-" .. counter)
end
