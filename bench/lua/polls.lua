-- Board polls as htmx makes them (HX-Request), turning through paths and languages, so
-- every thread asks for each page in each language in turn.
-- args: paths (comma-separated), languages sent as Accept-Language (comma-separated)

function init(args)
  polls = {}
  for path in string.gmatch(args[1], "[^,]+") do
    for lang in string.gmatch(args[2], "[^,]+") do
      local headers = with_headers({ ["HX-Request"] = "true", ["Accept-Language"] = lang })
      table.insert(polls, wrk.format("GET", path, headers))
    end
  end
  turn = id
end

function request()
  turn = turn % #polls + 1
  return polls[turn]
end
