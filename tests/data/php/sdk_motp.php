<?php
// The URL building of Citcall's official PHP SDK (citcall/sample-php 3.4.x): a base URL
// that ends in "/" joined with "/v3" and "/motp", so the request goes to "//v3/motp".
// Posted with PHP's own HTTP stream (no curl needed). Usage: php sdk_motp.php BASE KEY
[$script, $base, $key] = $argv;
$url = $base . '/' . '/v3' . '/motp';
$body = json_encode(['msisdn' => '6281234567890', 'retry' => 0]);
$context = stream_context_create(['http' => [
    'method' => 'POST',
    'header' => "Content-Type: application/json\r\nAuthorization: Apikey $key\r\n",
    'content' => $body,
    'ignore_errors' => true,
    'timeout' => 10,
]]);
$answer = file_get_contents($url, false, $context);
echo $url, "\n", $http_response_header[0], "\n", $answer, "\n";
