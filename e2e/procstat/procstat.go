// Package procstat reads a process's CPU time and memory from Linux's /proc,
// for the benchmarks that run leadup as a separate process (here and in
// cmd/leadup). It lives beside the end-to-end tests, and only _test.go files
// import it, so none of it ships in the leadup binary.
package procstat

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// CPUSeconds returns the user plus system CPU time the process has used.
func CPUSeconds(pid int) (float64, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("cpu time of %d: %w", pid, err)
	}
	// The fields after the ")" that ends the command name; utime and stime
	// are the 14th and 15th fields of the line.
	end := bytes.LastIndexByte(data, ')')
	if end < 0 || end+2 > len(data) {
		return 0, fmt.Errorf("cpu time of %d: malformed /proc stat", pid)
	}
	fields := strings.Fields(string(data[end+2:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("cpu time of %d: malformed /proc stat", pid)
	}
	utime, err1 := strconv.ParseFloat(fields[11], 64)
	stime, err2 := strconv.ParseFloat(fields[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("cpu time of %d: malformed /proc stat", pid)
	}
	return (utime + stime) / clockTicks, nil
}

// Memory returns the process's resident set and its peak, in KiB.
func Memory(pid int) (rss, peak float64, err error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, fmt.Errorf("memory of %d: %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		n, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			peak = n
		}
	}
	return rss, peak, sc.Err()
}
