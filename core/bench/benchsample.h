#pragma once

#include <QtGlobal>

namespace turnstile {

// One request of a benchmark. Times are nanoseconds on one monotonic clock
// shared by every worker thread, relative to the run's start.
struct BenchSample
{
    enum class Outcome : quint8
    {
        Http,    // an HTTP status arrived (2xx or not)
        Timeout, // no answer within the request timeout
        Network  // refused, reset, closed before answering
    };

    qint64 intendedNs = 0; // when it should have gone out (open loop: the schedule)
    qint64 sentNs = 0;     // when it was handed to its connection (connect included in wire)
    qint64 doneNs = 0;     // when the reply finished
    int status = 0;
    Outcome outcome = Outcome::Http;

    qint64 latencyNs() const { return doneNs - intendedNs; }
    qint64 wireNs() const { return doneNs - sentNs; }
    qint64 queueNs() const { return sentNs - intendedNs; }
    bool ok() const { return outcome == Outcome::Http && status >= 200 && status < 300; }
};

} // namespace turnstile
