<?php
// pyctd serve driven by PHP's xmlrpc extension (xmlrpc-epi), the kind of client the original's
// PHP frontend used. HTTP through PHP's own stream wrapper. See README.md for the steps and output.
function call($method, $params) {
    $request = xmlrpc_encode_request($method, $params);
    $context = stream_context_create(['http' => [
        'method' => 'POST', 'header' => "Content-Type: text/xml\r\n", 'content' => $request, 'ignore_errors' => true]]);
    $answer = file_get_contents(getenv('PYCTD_URL'), false, $context);
    if ($answer === false) { fwrite(STDERR, "no answer to $method\n"); exit(1); }
    return xmlrpc_decode($answer);
}
function must($method, $params) {
    $result = call($method, $params);
    if (is_array($result) && xmlrpc_is_fault($result)) {
        fwrite(STDERR, "$method: fault {$result['faultCode']}: {$result['faultString']}\n");
        exit(1);
    }
    return $result;
}
function text($value) {
    if (is_array($value)) return implode(',', array_map('text', $value));
    if (is_float($value)) return sprintf('%.0f', $value);
    if (is_bool($value)) return $value ? 'true' : 'false';
    if ($value === null) return 'NULL';
    return (string)$value;
}
function rows($prefix, $row) {
    foreach ($row as $name => $value) echo "$prefix.$name=" . text($value) . "\n";
}

$session = must('login', [getenv('PYCTD_USER'), getenv('PYCTD_PASSWORD')]);
echo 'total=' . must('view', [$session, array()])['total'] . "\n";
$big = must('view', [$session, ['proto' => 'tcp', 'orig_port_src' => (int)getenv('BIG_PORT')]]);
rows('row', $big['connections'][0]);
// PHP has no unsigned integers: xmlrpc-epi sends 3000000000 as the i4 -1294967296, the same 32 bits.
echo 'change_mark=' . text(must('change', [$session, 'mark', getenv('TARGET_ID'), 3000000000])) . "\n";
echo 'change_timeout=' . text(must('change', [$session, 'timeout', getenv('TARGET_ID'), (int)getenv('TIMEOUT')])) . "\n";
$target = must('view', [$session, ['id' => getenv('TARGET_ID')], 'id', 'ASC', 0, 0, ['id', 'mark', 'timeout', 'status']]);
rows('target', $target['connections'][0]);
echo 'killed=' . text(must('kill', [$session, [getenv('KILL_ID')]])) . "\n";
$fault = call('view', ['no-such-session']);
echo 'fault=' . $fault['faultCode'] . "\n";
