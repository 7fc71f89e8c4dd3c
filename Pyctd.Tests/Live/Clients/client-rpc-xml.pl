#!/usr/bin/perl
# pyctd serve driven by Perl's RPC::XML (Debian librpc-xml-perl). See README.md for the steps and output.
use strict;
use warnings;
use RPC::XML;
use RPC::XML::Client;

my $client = RPC::XML::Client->new($ENV{PYCTD_URL});
# With PYCTD_COMPRESS, every request goes with Content-Encoding: deflate (Compress::Zlib::compress:
# the zlib format), as RPC::XML sends any request over its threshold when asked to compress.
if ($ENV{PYCTD_COMPRESS}) {
    $client->compress_requests(1);
    $client->compress_thresh(1);
}

sub call {
    my $result = $client->send_request(@_);
    die "$_[0]: $result\n" unless ref $result;
    return $result;
}

sub must {
    my $result = call(@_);
    die "$_[0]: fault " . $result->code . ': ' . $result->string . "\n" if $result->is_fault;
    return $result->value;
}

sub text {
    my ($value) = @_;
    return join(',', map { text($_) } @$value) if ref $value eq 'ARRAY';
    return 'NULL' unless defined $value;
    return $value;
}

sub rows {
    my ($prefix, $row) = @_;
    print "$prefix.$_=" . text($row->{$_}) . "\n" for sort keys %$row;
}

my $session = must('login', RPC::XML::string->new($ENV{PYCTD_USER}), RPC::XML::string->new($ENV{PYCTD_PASSWORD}));
print 'total=' . must('view', $session, {})->{total} . "\n";
my $big = must('view', $session, { proto => 'tcp', orig_port_src => RPC::XML::int->new($ENV{BIG_PORT}) });
rows('row', $big->{connections}[0]);
print 'change_mark=' . must('change', $session, 'mark', RPC::XML::string->new($ENV{TARGET_ID}), RPC::XML::string->new('3000000000')) . "\n";
print 'change_timeout=' . must('change', $session, 'timeout', RPC::XML::string->new($ENV{TARGET_ID}), RPC::XML::int->new($ENV{TIMEOUT})) . "\n";
my $target = must('view', $session, { id => RPC::XML::string->new($ENV{TARGET_ID}) }, 'id', 'ASC', 0, 0, [qw(id mark timeout status)]);
rows('target', $target->{connections}[0]);
print 'killed=' . must('kill', $session, [RPC::XML::string->new($ENV{KILL_ID})]) . "\n";
print 'fault=' . call('view', 'no-such-session')->code . "\n";
