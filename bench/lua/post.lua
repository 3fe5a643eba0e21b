-- POST /c/<slug>/post to the bare stack: a session and its CSRF token, answered 303. It
-- changes nothing, so each thread takes its terminals in turn, round and round.
-- args: terminals file prefix, slug

function init(args)
  terms = load_terminals(args[1], id)
  path = "/c/" .. args[2] .. "/post"
  turn = 0
  form = { ["Content-Type"] = "application/x-www-form-urlencoded" }
end

function request()
  turn = turn % #terms + 1
  local t = terms[turn]
  form["Cookie"] = "session=" .. t.cookie
  return wrk.format("POST", path, form, "csrf_token=" .. t.token)
end

function response(status, headers, body)
  count(status)
end
