-- POST /c/<slug>/claim: a terminal of its own and a distinct tile per request; 303 = success.
-- A terminal draws once per campaign, so a run stops when its terminals or tiles run out.
-- args: terminals file prefix, slug, first tile, last tile, thread count

function init(args)
  local nthreads = tonumber(args[5])
  terms = load_terminals(args[1], id)
  path = "/c/" .. args[2] .. "/claim"
  tile, last, step = tonumber(args[3]) + id, tonumber(args[4]), nthreads
  turn = 0
  form = { ["Content-Type"] = "application/x-www-form-urlencoded" }
end

function request()
  turn = turn + 1
  if tile > last or turn > #terms then
    return exhaust() -- bounded in count as well as in time
  end
  local t = terms[turn]
  local body = "csrf_token=" .. t.token .. "&tile=" .. tile
  tile = tile + step
  form["Cookie"] = "session=" .. t.cookie
  return wrk.format("POST", path, form, body)
end

function response(status, headers, body)
  if not exhausted then
    count(status)
  end
end
