-- Claim then confirm, per terminal: run with one connection per thread (-t N -c N), so the
-- answer that arrives is always the answer to this thread's last request.
-- One unit = a claim answered 303 followed by a confirm answered 303.
-- Both Kuji and the bare stack confirm only a draw that was uncovered: a POST /reveal goes
-- between the claim and the confirm.
-- args: terminals file prefix, slug, first tile, last tile, thread count

function init(args)
  local nthreads = tonumber(args[5])
  terms = load_terminals(args[1], id)
  slug = args[2]
  tile, last, step = tonumber(args[3]) + id, tonumber(args[4]), nthreads
  turn, sent, held, uncovered = 0, nil, nil, false
  form = with_headers({ ["Content-Type"] = "application/x-www-form-urlencoded" })
end

local function claim()
  turn = turn + 1
  if tile > last or turn > #terms then
    return exhaust()
  end
  local t = terms[turn]
  local body = "csrf_token=" .. t.token .. "&tile=" .. tile
  tile = tile + step
  sent = "claim"
  form["Cookie"] = "session=" .. t.cookie
  return wrk.format("POST", "/c/" .. slug .. "/claim", form, body)
end

local function confirm()
  local t = terms[turn]
  -- Unique per terminal: one coupon per phone number and per e-mail address.
  local n = string.format("%04d%06d", id, turn)
  local body = "csrf_token=" .. t.token
    .. "&name=Bench+Terminal+" .. n
    .. "&postal_code=104-0061"
    .. "&address=" .. n .. "+Bench+Street%2C+Chuo-ku%2C+Tokyo"
    .. "&phone=090" .. n
    .. "&email=t" .. n .. "%40example.jp"
  sent = "confirm"
  form["Cookie"] = "session=" .. t.cookie .. "; " .. held
  held, uncovered = nil, false
  return wrk.format("POST", "/c/" .. slug .. "/confirm", form, body)
end

local function reveal()
  local t = terms[turn]
  sent, uncovered = "reveal", true
  form["Cookie"] = "session=" .. t.cookie .. "; " .. held
  return wrk.format("POST", "/c/" .. slug .. "/reveal", form, "csrf_token=" .. t.token)
end

function request()
  if held and not uncovered then
    return reveal()
  end
  if held then
    return confirm()
  end
  return claim()
end

function response(status, headers, body)
  if exhausted then
    return
  end
  count(sent .. " " .. status)
  if status ~= 303 or sent == "reveal" then
    return
  end
  if sent == "claim" then
    -- HTTP header names are case-insensitive: gunicorn writes Set-Cookie, granian set-cookie.
    held = (headers["Set-Cookie"] or headers["set-cookie"] or ""):match("(kuji_[^=]+=[^;]+)")
  else
    units = units + 1
  end
end
