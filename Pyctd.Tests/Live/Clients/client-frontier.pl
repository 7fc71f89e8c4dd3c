#!/usr/bin/perl
# pyctd serve driven by Perl's Frontier::RPC (Debian libfrontier-rpc-perl). See README.md for the steps and output.
use strict;
use warnings;
use Frontier::Client;

my $server = Frontier::Client->new(url => $ENV{PYCTD_URL});

sub call {
    my @arguments = @_;
    my $result = eval { $server->call(@arguments) };
    return (undef, $@) if $@;
    return ($result, undef);
}

sub must {
    my ($result, $error) = call(@_);
    die "$_[0]: $error" if defined $error;
    return $result;
}

sub text {
    my ($value) = @_;
    return join(',', map { text($_) } @$value) if ref $value eq 'ARRAY';
    return 'NULL' unless defined $value;
    return $value ? 'true' : 'false' if ref $value eq 'Frontier::RPC2::Boolean';
    return $value->value if ref $value;
    return $value;
}

sub rows {
    my ($prefix, $row) = @_;
    print "$prefix.$_=" . text($row->{$_}) . "\n" for sort keys %$row;
}

my $session = must('login', $server->string($ENV{PYCTD_USER}), $server->string($ENV{PYCTD_PASSWORD}));
print 'total=' . must('view', $session, {})->{total} . "\n";
my $big = must('view', $session, { proto => 'tcp', orig_port_src => $server->int($ENV{BIG_PORT}) });
rows('row', $big->{connections}[0]);
print 'change_mark=' . text(must('change', $session, 'mark', $server->string($ENV{TARGET_ID}), $server->string('3000000000'))) . "\n";
print 'change_timeout=' . text(must('change', $session, 'timeout', $server->string($ENV{TARGET_ID}), $server->int($ENV{TIMEOUT}))) . "\n";
my $target = must('view', $session, { id => $server->string($ENV{TARGET_ID}) }, 'id', 'ASC', 0, 0, [qw(id mark timeout status)]);
rows('target', $target->{connections}[0]);
print 'killed=' . must('kill', $session, [$server->string($ENV{KILL_ID})]) . "\n";
my (undef, $fault) = call('view', 'no-such-session');
# Frontier dies with "Fault returned from XML RPC Server, fault code 2: ...".
print 'fault=' . ($fault =~ /fault code (-?\d+)/ ? $1 : "none: $fault") . "\n";
