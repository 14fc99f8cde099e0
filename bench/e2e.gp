# Throughput against offered rate, and p99 latency, per peer, from e2e.csv.
set terminal pngcairo size 1200,500 font ",10"
set output results.'/e2e.png'
set datafile separator ','
set key top left
set multiplot layout 1,2
set title 'Delivered vs offered (readings/s)'
set logscale xy
set xlabel 'offered readings/s'
set ylabel 'delivered readings/s'
peers = 'gateway gateway-small-pi gateway-low-latency node node-red'
plot for [p in peers] results.'/e2e.csv' using (strcol(1) eq p ? $2 : NaN):3 with linespoints title p, \
     x with lines dashtype 2 lc 'gray' title 'offered'
set title 'p99 latency (ms)'
set ylabel 'p99 ms'
plot for [p in peers] results.'/e2e.csv' using (strcol(1) eq p ? $2 : NaN):5 with linespoints title p
unset multiplot
