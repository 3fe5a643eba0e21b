-- Terminals: one browser each, "<session cookie>\t<csrf token>" per line. Each thread reads
-- its own file (<prefix>.<thread id>), so no two connections share a browser and starting
-- 256 threads does not mean parsing every terminal 256 times.

function load_terminals(prefix, id)
  local mine = {}
  for line in io.lines(prefix .. "." .. id) do
    local cookie, token = line:match("^([^\t]+)\t([^\t]+)$")
    if cookie then
      table.insert(mine, { cookie = cookie, token = token })
    end
  end
  return mine
end
