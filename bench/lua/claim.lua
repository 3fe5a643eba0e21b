-- POST /c/<slug>/claim: a terminal of its own and a distinct tile per request; 303 = success.
-- A terminal draws once per campaign, so a run stops when its terminals or tiles run out.
-- args: terminals file prefix, slug (or slugs, comma-separated: thread i claims on the
-- i-th, round and round; a multiple of their number of threads), first tile, last tile,
-- thread count

function init(args)
  local nthreads, slugs = tonumber(args[5]), {}
  for slug in string.gmatch(args[2], "[^,]+") do
    table.insert(slugs, slug)
  end
  terms = load_terminals(args[1], id)
  path = "/c/" .. slugs[id % #slugs + 1] .. "/claim"
  -- The threads of one campaign take turns through its tiles.
  local mine = math.floor(id / #slugs)
  tile, last, step = tonumber(args[3]) + mine, tonumber(args[4]), nthreads / #slugs
  turn = 0
  form = with_headers({ ["Content-Type"] = "application/x-www-form-urlencoded" })
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
