#!/bin/sh
# peak.sh CMD...: run CMD, print the peak RssAnon and VmHWM (kB) polled every 0.1 s
"$@" &
pid=$!
ma=0; mh=0
while kill -0 $pid 2>/dev/null; do
  a=$(awk '/^RssAnon/{print $2}' /proc/$pid/status 2>/dev/null); h=$(awk '/^VmHWM/{print $2}' /proc/$pid/status 2>/dev/null)
  [ -n "$a" ] && [ "$a" -gt "$ma" ] && ma=$a
  [ -n "$h" ] && [ "$h" -gt "$mh" ] && mh=$h
  sleep 0.1
done
wait $pid
echo "peak RssAnon ${ma} kB, VmHWM ${mh} kB"
