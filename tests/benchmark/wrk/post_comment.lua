-- Post valid comment forms: each request has its own author, email and text,
-- and its own X-Forwarded-For (the site trusts REMOTE_ADDR only, so the address
-- seen by the site cannot really vary on one machine).
-- The runner defines PATH, FORM (hidden fields, url-encoded), COOKIE, REFERER
-- and MARKER above this script. report.lua sets thread_no in setup().
counter = 0
accepted = 0
refused = 0
ids = {}

function request()
   counter = counter + 1
   local n = thread_no or 0
   local who = string.format("t%d-%d", n, counter)
   local body = FORM ..
      "&author_name=Lettore+" .. who ..
      "&author_email=lettore-" .. who .. "%40example.org" ..
      "&author_url=" ..
      "&body=" .. MARKER .. "+commento+numero+" .. who ..
      "+sulla+seduta+del+consiglio+comunale."
   local headers = {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = COOKIE,
      ["Referer"] = REFERER,
      ["X-Forwarded-For"] = string.format(
         "10.%d.%d.%d", n, math.floor(counter / 250) % 250, counter % 250),
   }
   return wrk.format("POST", PATH, headers, body)
end

function response(status, headers, body)
   if status == 302 or status == 303 then
      accepted = accepted + 1
      local id = string.match(headers["Location"] or "", "comment%-(%d+)")
      if id then
         ids[#ids + 1] = id
      end
   else
      refused = refused + 1
      if refused == 1 then
         io.stderr:write("first refused POST: HTTP " .. status .. "\n" ..
                         string.sub(body or "", 1, 1500) .. "\n")
      end
   end
end
