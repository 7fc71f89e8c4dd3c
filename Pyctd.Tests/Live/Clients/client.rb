# pyctd serve driven by Ruby's xmlrpc gem (Debian ruby-xmlrpc). See README.md for the steps and output.
require 'xmlrpc/client'

server = XMLRPC::Client.new2(ENV.fetch('PYCTD_URL'))

def text(value)
  case value
  when Array then value.map { |item| text(item) }.join(',')
  when Float then value.to_i.to_s
  when nil then 'NULL'
  else value.to_s
  end
end

def rows(prefix, row)
  row.keys.sort.each { |name| puts "#{prefix}.#{name}=#{text(row[name])}" }
end

session = server.call('login', ENV.fetch('PYCTD_USER'), ENV.fetch('PYCTD_PASSWORD'))
puts "total=#{server.call('view', session, {})['total']}"
big = server.call('view', session, { 'proto' => 'tcp', 'orig_port_src' => ENV.fetch('BIG_PORT').to_i })
rows('row', big['connections'][0])
puts "change_mark=#{text(server.call('change', session, 'mark', ENV.fetch('TARGET_ID'), '3000000000'))}"
puts "change_timeout=#{text(server.call('change', session, 'timeout', ENV.fetch('TARGET_ID'), ENV.fetch('TIMEOUT').to_i))}"
target = server.call('view', session, { 'id' => ENV.fetch('TARGET_ID') }, 'id', 'ASC', 0, 0, %w[id mark timeout status])
rows('target', target['connections'][0])
puts "killed=#{server.call('kill', session, [ENV.fetch('KILL_ID')])}"
ok, fault = server.call2('view', 'no-such-session')
puts "fault=#{ok ? 'none' : fault.faultCode}"
