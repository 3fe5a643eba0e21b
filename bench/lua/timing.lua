-- Appended after the scenario: note when each thread starts and gets its last answer.

if request then
  local scenario_request = request
  request = function()
    started = started or clock()
    return scenario_request()
  end
end

if response then
  local scenario_response = response
  response = function(status, headers, body)
    if not exhausted then
      finished = clock()
    end
    return scenario_response(status, headers, body)
  end
end
