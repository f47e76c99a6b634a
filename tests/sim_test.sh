#! /usr/bin/env atf-sh
# sim_test.sh: the bhyve simulator (tests/sim) against bhyve-facts.md.
# Every case runs in its own scratch KVM_ROOTDIR with the stand-ins
# first on PATH, and checks exit status, exact stderr and the state
# left behind (instances, log, interfaces, files).

sim_env()
{
	KVM_ROOTDIR=$(pwd)/root
	PATH="$(atf_get_srcdir)/sim/bin:$PATH"
	export KVM_ROOTDIR PATH
	mkdir -p "$KVM_ROOTDIR/sim"
}

# Kill what a case left running (only processes it started).
sim_kill()
{
	for f in root/sim/*.pid bg.*; do
		[ -f "$f" ] || continue
		kill -9 $(cat "$f") 2>/dev/null
	done
	return 0
}

# wait_for CMD...: poll (20 ms) until CMD succeeds, at most 5 s.
wait_for()
{
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt 250 ] || atf_fail "timed out waiting for: $*"
		sleep 0.02
	done
}

# bg TAG bhyve ARGS...: start in the background, output in TAG.out/err.
bg()
{
	tag=$1
	shift
	"$@" > "$tag.out" 2> "$tag.err" &
	echo $! > "bg.$tag"
}

# bg_wait TAG: its exit status as the shell shows it, in $rc.
bg_wait()
{
	wait "$(cat "bg.$1")"
	rc=$?
	rm -f "bg.$1"
}

running()
{
	[ -s "root/sim/$1.pid" ]
}

# vmm_has NAME KEY=VALUE: the instance holds that state.
vmm_has()
{
	grep -qx "$2" "root/dev/vmm/$1" ||
	    atf_fail "/dev/vmm/$1: no $2 in: $(cat "root/dev/vmm/$1" 2>&1)"
}

# A page-aligned firmware pair, as edk2 ships it.
firmware()
{
	dd if=/dev/zero of=code.fd bs=64k count=16 2>/dev/null
	dd if=/dev/zero of=vars.fd bs=64k count=2 2>/dev/null
}

USAGE1='Usage: bhyve \[-AaCDeHhPSuWwxY\]'

atf_test_case rootdir_required
rootdir_required_head()
{
	atf_set descr "Every stand-in refuses to run without KVM_ROOTDIR"
}
rootdir_required_body()
{
	sim_env
	for prog in bhyve bhyvectl bhyveload grub-bhyve ifconfig sysrc \
	    kldload kldstat devctl pciconf cu zfs; do
		atf_check -s exit:70 -e inline:"sim: KVM_ROOTDIR is not set\n" \
		    env -u KVM_ROOTDIR "$prog" web
		atf_check -s exit:70 -e inline:"sim: KVM_ROOTDIR is not set\n" \
		    env KVM_ROOTDIR= "$prog" web
	done
	atf_check -s exit:1 test -e root/sim/log
}

atf_test_case log_lines
log_lines_head()
{
	atf_set descr "Each call is logged; bhyve adds its exit status"
}
log_lines_body()
{
	sim_env
	atf_check -s exit:4 -e ignore bhyve -A -H -c 2 -m 1G -s 0,hostbridge web
	atf_check -o inline:"tap0\n" ifconfig tap create
	atf_check -s exit:1 -o inline:"VM:db is not created.\n" \
	    bhyvectl --vm=db --destroy
	echo "test marker" >> root/sim/log
	atf_check -o inline:"bhyve -A -H -c 2 -m 1G -s 0,hostbridge web\nbhyve-exit web 4\nifconfig tap create\nbhyvectl --vm=db --destroy\ntest marker\n" \
	    cat root/sim/log
}

atf_test_case bad_slot
bad_slot_head()
{
	atf_set descr "bhyve rejects bad -s syntax while parsing, exit 4"
}
bad_slot_body()
{
	sim_env
	atf_check -s exit:4 -e inline:'Invalid PCI slot info field "0"\n' \
	    bhyve -s 0 web
	atf_check -s exit:4 \
	    -e inline:'Invalid PCI slot info field "32,hostbridge"\n' \
	    bhyve -s 32,hostbridge web
	atf_check -s exit:4 \
	    -e inline:'Invalid PCI slot info field "0:8,hostbridge"\n' \
	    bhyve -s 0:8,hostbridge web
	atf_check -s exit:4 \
	    -e inline:'Invalid PCI slot info field "x,hostbridge"\n' \
	    bhyve -s x,hostbridge web
	# Errors of -s come before the missing VM name is noticed.
	atf_check -s exit:4 -e inline:'Invalid PCI slot info field "1"\n' \
	    bhyve -s 1
	atf_check -s exit:1 test -e root/dev/vmm/web
}

atf_test_case slot_twice
slot_twice_head()
{
	atf_set descr "A PCI slot used twice is refused"
}
slot_twice_body()
{
	sim_env
	atf_check -s exit:4 -e inline:"pci slot 0:3:0 already occupied!\n" \
	    bhyve -s 3,virtio-rnd -s 0:3:0,virtio-rnd web
	atf_check -s exit:4 -e inline:"pci slot 1:2:3 already occupied!\n" \
	    bhyve -s 1:2:3,virtio-rnd -s 1:2:3,hostbridge web
	atf_check -s exit:1 test -e root/dev/vmm/web
}

atf_test_case unknown_emulation
unknown_emulation_head()
{
	atf_set descr "An unknown emulation is refused; -s help lists them"
}
unknown_emulation_body()
{
	sim_env
	atf_check -s exit:4 \
	    -e inline:'pci slot 0:5:0: unknown device "virtio-gpu"\n' \
	    bhyve -s 5,virtio-gpu web
	atf_check -o match:"^virtio-net$" -o match:"^passthru$" \
	    -o match:"^ahci-cd$" bhyve -s help
	atf_check -o inline:"bootrom\ncom1\ncom2\ncom3\ncom4\ntpm\npc-testdev\n" \
	    bhyve -l help
	atf_check -s exit:64 \
	    -e inline:"bhyve: invalid lpc device configuration 'com5,stdio'\n" \
	    bhyve -l com5,stdio web
	atf_check -s exit:4 -e inline:'bhyve: invalid bootrom option "bootrom"\n' \
	    bhyve -l bootrom web
}

atf_test_case vm_name
vm_name_head()
{
	atf_set descr "Missing, extra and over-long VM names"
}
vm_name_body()
{
	sim_env
	atf_check -s exit:1 -e match:"$USAGE1" bhyve -c 2 -m 1G
	atf_check -s exit:1 -e match:"$USAGE1" bhyve web extra
	atf_check -s exit:1 -e match:"^bhyve: illegal option -- z$" \
	    -e match:"$USAGE1" bhyve -z web
	atf_check -s exit:1 \
	    -e match:"^bhyve: option requires an argument -- m$" bhyve -m
	atf_check -s exit:0 -e match:"$USAGE1" bhyve -h
	long=abcdefghijklmnopqrstuvwxyz0123456
	atf_check -s exit:4 -e inline:"vm_create: Invalid argument\n" \
	    bhyve -s 0,hostbridge "$long"
	atf_check -s exit:1 test -e "root/dev/vmm/$long"
	atf_check -s exit:1 -e inline:"vm_create: Invalid argument\n" \
	    bhyveload "$long"
	# 32 bytes is still a valid name.
	atf_check -s exit:4 -e inline:"virtual machine cannot be booted\n" \
	    bhyve "${long%6}"
	atf_check test -f "root/dev/vmm/${long%6}"
}

atf_test_case cannot_boot
cannot_boot_head()
{
	atf_set descr "bhyve without loader or bootrom leaves an empty instance"
}
cannot_boot_body()
{
	sim_env
	atf_check -s exit:4 -e inline:"virtual machine cannot be booted\n" \
	    bhyve -c 1 -m 256M -s 0,hostbridge -s 31,lpc web
	atf_check test -f root/dev/vmm/web
	vmm_has web loaded=0
	atf_check -o inline:"vmm\n" cat root/sim/kld
	# The empty instance is reused, but nothing was loaded: the guest
	# has nothing to run.
	atf_check -s signal:6 -e empty bhyve -s 0,hostbridge web
	atf_check -o match:"^bhyve-exit web 134$" cat root/sim/log
}

atf_test_case memsize
memsize_head()
{
	atf_set descr "-m syntax, page multiples and the loader's size"
}
memsize_body()
{
	sim_env
	atf_check -s exit:64 -e inline:"bhyve: invalid memsize '1.5G'\n" \
	    bhyve -m 1.5G web
	atf_check -s exit:64 -e inline:"bhyve: invalid memsize 'G'\n" \
	    bhyve -m G web
	atf_check -s exit:64 -e inline:"bhyve: invalid memsize '2X'\n" \
	    bhyve -m 2X web
	atf_check -s exit:64 -e inline:"bhyveload: Invalid memsize 'lots'\n" \
	    bhyveload -m lots web
	atf_check -s exit:1 test -e root/dev/vmm/web
	# Not a page multiple: memory setup fails after the instance exists.
	atf_check -s exit:1 -e inline:"vm_setup_memory: Invalid argument\n" \
	    bhyveload -m 1000000001 web
	atf_check bhyvectl --vm=web --destroy
	atf_check bhyveload -m 1024 web
	vmm_has web mem=1073741824
	atf_check -s exit:4 -e inline:"Unable to setup memory (22)\n" \
	    bhyve -m 512M -s 0,hostbridge web
	echo poweroff > root/sim/web.guest
	atf_check -s exit:1 bhyve -m 1G -s 0,hostbridge web
}

atf_test_case missing_bootrom
missing_bootrom_head()
{
	atf_set descr "A bootrom (CODE or VARS) that cannot be opened"
}
missing_bootrom_body()
{
	sim_env
	firmware
	atf_check -s exit:4 -e inline:"Error opening bootrom \"$(pwd)/none.fd\": No such file or directory\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 0,hostbridge -s 31,lpc -l "bootrom,$(pwd)/none.fd" uefi
	# do_open() ran first: the instance stays.
	atf_check test -f root/dev/vmm/uefi
	atf_check -s exit:4 -e inline:"Error opening bootrom variable file \"$(pwd)/nv.fd\": No such file or directory\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 0,hostbridge -s 31,lpc \
	    -l "bootrom,$(pwd)/code.fd,$(pwd)/nv.fd" uefi
	echo CODE > short.fd
	touch root/sim/romcheck
	atf_check -s exit:4 -e inline:"bhyve: ROM size 5 is not a multiple of the page size\ndevice emulation initialization error: Invalid argument\n" \
	    bhyve -s 0,hostbridge -s 31,lpc -l "bootrom,$(pwd)/short.fd" uefi
	echo halt > root/sim/uefi.guest
	atf_check -s exit:2 bhyve -s 0,hostbridge -s 31,lpc \
	    -l "bootrom,$(pwd)/code.fd,$(pwd)/vars.fd" uefi
	vmm_has uefi suspend=halt
}

atf_test_case topology
topology_head()
{
	atf_set descr "-c topology parsing and the vCPU limit"
}
topology_body()
{
	sim_env
	atf_check -s exit:64 -e inline:"bhyve: invalid cpu topology '2,foo=1'\n" \
	    bhyve -c 2,foo=1 web
	atf_check -s exit:4 -e inline:"bhyve: Invalid value for cpus: '0'\n" \
	    bhyve -c 0 web
	atf_check -s exit:4 -e inline:"bhyve: Invalid value for cores: 'x'\n" \
	    bhyve -c sockets=1,cores=x web
	atf_check -s exit:4 -e inline:"bhyve: Topology (3 sockets, 1 cores, 1 threads) does not match 4 vCPUs\n" \
	    bhyve -c cpus=4,sockets=3 web
	atf_check -s exit:1 test -e root/dev/vmm/web
	echo 2 > root/sim/maxcpu
	atf_check bhyveload web
	atf_check -s exit:4 -e inline:"4 vCPUs requested but only 2 available\n" \
	    bhyve -c sockets=2,cores=2 web
	echo poweroff > root/sim/web.guest
	atf_check -s exit:1 bhyve -c 2 web
}

atf_test_case passthru
passthru_head()
{
	atf_set descr "passthru needs -S and a device owned by ppt"
}
passthru_body()
{
	sim_env
	printf 'vgapci0@pci0:3:0:0:\tclass=0x030000 rev=0xc0 hdr=0x00 vendor=0x1002 device=0x73af subvendor=0x1043 subdevice=0x04fe\n' > root/sim/pci
	echo poweroff > root/sim/web.guest
	atf_check bhyveload -S web
	atf_check -s exit:4 -e inline:"bhyve: passthru requires guest memory to be wired\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 0,hostbridge -s 7,passthru,3/0/0 web
	atf_check -s exit:4 -e inline:"PCI device at 3/0/0 is not using the ppt driver\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -S -s 0,hostbridge -s 7,passthru,3/0/0 web
	atf_check -s exit:4 -e inline:'passthru: invalid options "3/0"\n' \
	    bhyve -S -s 7,passthru,3/0 web
	atf_check -s exit:1 -e inline:"devctl: Failed to set pci0:3:0:0 driver to ppt: Device busy\n" \
	    devctl set driver pci0:3:0:0 ppt
	atf_check devctl set driver -f pci0:3:0:0 ppt
	atf_check -o match:"^ppt0@pci0:3:0:0:	class=0x030000" pciconf -l
	atf_check -s exit:1 bhyve -S -s 0,hostbridge -s 7,passthru,3/0/0 web
}

atf_test_case lpc_needed
lpc_needed_head()
{
	atf_set descr "-l devices exist only behind an lpc slot"
}
lpc_needed_body()
{
	sim_env
	firmware
	echo poweroff > root/sim/web.guest
	# Without lpc the com port is never opened: no error.
	atf_check bhyveload web
	atf_check -s exit:1 bhyve -s 0,hostbridge -l com1,/nonexistent web
	atf_check bhyveload web
	atf_check -s exit:4 -e inline:"Unable to initialize backend '/nonexistent' for LPC device com1\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 0,hostbridge -s 31,lpc -l com1,/nonexistent web
	atf_check -s exit:4 -e inline:"Unable to initialize backend '$(pwd)/code.fd' for LPC device com1\ndevice emulation initialization error: Inappropriate ioctl for device\n" \
	    bhyve -s 0,hostbridge -s 31,lpc -l "com1,$(pwd)/code.fd" web
	atf_check -s exit:4 -e inline:"Unable to initialize backend 'stdio' for LPC device com2\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 0,hostbridge -s 31,lpc -l com1,stdio -l com2,stdio web
	atf_check -s exit:4 -e inline:"LPC bridge can be present only on bus 0.\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 1:31:0,lpc web
	# Without lpc the bootrom is never loaded: nothing to run.
	atf_check -s signal:6 bhyve -s 0,hostbridge -l "bootrom,$(pwd)/code.fd" uefi
	atf_check test -f root/dev/vmm/uefi
}

atf_test_case nmdm_console
nmdm_console_head()
{
	atf_set descr "nmdm consoles exist once nmdm.ko is loaded"
}
nmdm_console_body()
{
	sim_env
	A=$KVM_ROOTDIR/dev/nmdm-web.1A
	echo poweroff > root/sim/web.guest
	atf_check -s exit:64 -e inline:"bhyveload: Could not open '$A'\n" \
	    bhyveload -c "$A" web
	atf_check -s exit:1 kldstat -q -m nmdm
	atf_check kldload nmdm
	atf_check kldstat -q -m nmdm
	atf_check bhyveload -c "$A" web
	atf_check test -f "$KVM_ROOTDIR/dev/nmdm-web.1B"
	atf_check -s exit:1 bhyve -s 0,hostbridge -s 31,lpc -l "com1,$A" web
	atf_check -o inline:"Connected\n" cu -l "$KVM_ROOTDIR/dev/nmdm-web.1B" \
	    < /dev/null
	atf_check -s exit:1 -e inline:"cu: $KVM_ROOTDIR/dev/nmdm-x.1B: No such file or directory\n" \
	    cu -l "$KVM_ROOTDIR/dev/nmdm-x.1B"
}

atf_test_case reboot_then_poweroff
reboot_then_poweroff_head()
{
	atf_set descr "A scripted guest reboots on run 1 and powers off on run 2"
}
reboot_then_poweroff_body()
{
	sim_env
	printf '# two runs\nreboot 0.1\n\npoweroff\n' > root/sim/web.guest
	atf_check bhyveload -m 1G web
	atf_check -s exit:0 bhyve -c 2 -m 1G -s 0,hostbridge web
	vmm_has web suspend=reset
	vmm_has web pid=0
	# A reboot needs the loader again.
	atf_check -s exit:71 -e inline:"bhyve: could not activate CPU 0: Device busy\n" \
	    bhyve -c 2 -m 1G -s 0,hostbridge web
	atf_check bhyveload -m 1G web
	vmm_has web suspend=
	atf_check -s exit:1 bhyve -D -c 2 -m 1G -s 0,hostbridge web
	atf_check -s exit:1 test -e root/dev/vmm/web
	atf_check -o inline:"2\n" cat root/sim/web.runs
	atf_check -o inline:"bhyve-exit web 0\nbhyve-exit web 71\nbhyve-exit web 1\n" \
	    sed -n 's/^\(bhyve-exit .*\)/\1/p' root/sim/log
	# Run 3 repeats the last line; without -D the instance stays.
	atf_check bhyveload -m 1G web
	atf_check -s exit:1 bhyve -c 2 -m 1G -s 0,hostbridge web
	vmm_has web suspend=poweroff
}

atf_test_case guest_exits
guest_exits_head()
{
	atf_set descr "halt, triple fault, error and abort exit codes"
}
guest_exits_body()
{
	sim_env
	printf 'halt\ntriple\nerror\nabort\n' > root/sim/web.guest
	for want in exit:2 exit:3 exit:4 signal:6; do
		atf_check bhyvectl --vm=web --create
		atf_check bhyveload web
		atf_check -s "$want" bhyve web
		atf_check bhyvectl --vm=web --destroy
	done
	atf_check -o inline:"bhyve-exit web 2\nbhyve-exit web 3\nbhyve-exit web 4\nbhyve-exit web 134\n" \
	    sed -n 's/^\(bhyve-exit .*\)/\1/p' root/sim/log
	echo "reboot soon" > root/sim/web.guest
	atf_check bhyveload web
	atf_check -s exit:70 -e match:"bad guest line" bhyve web
}

atf_test_case sigterm_acpi
sigterm_acpi_head()
{
	atf_set descr "SIGTERM is the power button when the guest enabled ACPI"
}
sigterm_acpi_body()
{
	sim_env
	echo "run acpi" > root/sim/web.guest
	atf_check bhyveload web
	bg b bhyve -D -s 0,hostbridge web
	wait_for running web
	kill -TERM "$(cat root/sim/web.pid)"
	bg_wait b
	atf_check_equal 1 "$rc"
	atf_check -s exit:1 test -e root/dev/vmm/web
	atf_check -s exit:1 test -e root/sim/web.pid
	atf_check -o match:"^bhyve-exit web 1$" cat root/sim/log
}
sigterm_acpi_cleanup()
{
	sim_kill
}

atf_test_case sigterm_ignore
sigterm_ignore_head()
{
	atf_set descr "A guest that ignores the power button keeps running"
}
sigterm_ignore_body()
{
	sim_env
	echo "run 0 ignore" > root/sim/web.guest
	atf_check bhyveload web
	bg b bhyve -s 0,hostbridge web
	wait_for running web
	kill -TERM "$(cat root/sim/web.pid)"
	sleep 0.3
	running web || atf_fail "bhyve web is not running"
	atf_check bhyvectl --vm=web --force-poweroff
	bg_wait b
	atf_check_equal 1 "$rc"
	vmm_has web suspend=poweroff
}
sigterm_ignore_cleanup()
{
	sim_kill
}

atf_test_case sigterm_noacpi
sigterm_noacpi_head()
{
	atf_set descr "Without ACPI SIGTERM kills bhyve and the instance stays busy"
}
sigterm_noacpi_body()
{
	sim_env
	echo "run 0 noacpi" > root/sim/web.guest
	atf_check bhyveload web
	bg b bhyve -D -s 0,hostbridge web
	wait_for running web
	kill -TERM "$(cat root/sim/web.pid)"
	bg_wait b
	atf_check_equal 143 "$rc"
	vmm_has web pid=0
	atf_check -o match:"^bhyve-exit web 143$" cat root/sim/log
	atf_check -s exit:1 -e inline:"vm_reinit: Device busy\n" bhyveload web
	atf_check -s exit:1 -e inline:"Could not reinit VM web\nError in initializing VM\n" \
	    grub-bhyve web
	atf_check bhyvectl --vm=web --destroy
	atf_check bhyveload web
}
sigterm_noacpi_cleanup()
{
	sim_kill
}

atf_test_case ctl_force
ctl_force_head()
{
	atf_set descr "bhyvectl --force-poweroff and --force-reset"
}
ctl_force_body()
{
	sim_env
	atf_check bhyveload web
	bg b bhyve -s 0,hostbridge web
	wait_for running web
	atf_check -o empty -e empty bhyvectl --vm=web --force-poweroff
	bg_wait b
	atf_check_equal 1 "$rc"
	atf_check -o inline:"errno = 37\n" -s exit:255 \
	    bhyvectl --vm=web --force-poweroff
	atf_check bhyveload web
	bg b bhyve -s 0,hostbridge web
	wait_for running web
	atf_check -o empty -e empty bhyvectl --vm=web --force-reset
	bg_wait b
	atf_check_equal 0 "$rc"
	vmm_has web suspend=reset
	# A suspend before bhyve runs takes effect when it starts.
	atf_check bhyveload web
	atf_check bhyvectl --vm=web --force-poweroff
	atf_check -s exit:1 bhyve -s 0,hostbridge web
}
ctl_force_cleanup()
{
	sim_kill
}

atf_test_case ctl_destroy
ctl_destroy_head()
{
	atf_set descr "bhyvectl --destroy under a running bhyve"
}
ctl_destroy_body()
{
	sim_env
	atf_check bhyveload web
	bg b bhyve -s 0,hostbridge web
	wait_for running web
	atf_check -o empty -e empty bhyvectl --destroy --vm=web
	bg_wait b
	atf_check_equal 1 "$rc"
	atf_check -o inline:"vm_run error -1, errno 6\n" cat b.err
	atf_check -s exit:1 test -e root/dev/vmm/web
	atf_check -o match:"^bhyve-exit web 1$" cat root/sim/log
}
ctl_destroy_cleanup()
{
	sim_kill
}

atf_test_case ctl_missing
ctl_missing_head()
{
	atf_set descr "bhyvectl on a missing VM, without --vm, bad options"
}
ctl_missing_body()
{
	sim_env
	atf_check -s exit:1 -o inline:"VM:nope is not created.\n" -e empty \
	    bhyvectl --vm=nope --destroy
	atf_check -s exit:1 -o inline:"VM:nope is not created.\n" \
	    bhyvectl --vm nope --force-poweroff
	atf_check -s exit:1 -e match:"^Usage: bhyvectl --vm=<vmname>" \
	    bhyvectl --destroy
	atf_check -s exit:1 -e match:"^bhyvectl: unknown option -- kill$" \
	    bhyvectl --vm=nope --kill
	atf_check bhyvectl --vm=new --create
	atf_check -s exit:255 -o inline:"errno = 17\n" bhyvectl --vm=new --create
	atf_check -o match:"Resident memory" bhyvectl --vm=new --get-stats
}

atf_test_case loaders
loaders_head()
{
	atf_set descr "bhyveload and grub-bhyve arguments, sizes and behaviours"
}
loaders_body()
{
	sim_env
	truncate -s 1M disk.img
	atf_check -s exit:64 -e inline:"bhyveload: Could not open '$(pwd)/no.img'\n" \
	    bhyveload -d "$(pwd)/no.img" web
	atf_check -s exit:64 -e inline:"bhyveload: -l can only be given once\n" \
	    bhyveload -l /a -l /b web
	atf_check -s exit:1 -e match:"^usage: bhyveload" bhyveload
	atf_check -s exit:1 -e match:"^usage: bhyveload" bhyveload a b
	atf_check -s exit:1 test -e root/dev/vmm/web
	atf_check bhyveload -m 512M -d disk.img web
	vmm_has web loaded=1
	atf_check -s exit:1 -e inline:"vm_setup_memory: Invalid argument\n" \
	    bhyveload -m 1G web
	echo fail > root/sim/web.loader
	atf_check -s exit:1 -e inline:"bhyveload: simulated loader failure\n" \
	    bhyveload -m 512M web
	vmm_has web loaded=0
	rm root/sim/web.loader
	atf_check bhyvectl --vm=web --destroy
	printf '(hd0) %s\n' "$(pwd)/disk.img" > device.map
	atf_check -s exit:1 -e inline:"Invalid guest memory size \`1.5G'.\nError in parsing command line arguments\n" \
	    grub-bhyve -m device.map -M 1.5G web
	atf_check -s exit:1 -e inline:"Required VM name parameter not supplied\nTry \`grub-bhyve --help' or \`grub-bhyve --usage' for more information.\n" \
	    grub-bhyve -m device.map
	atf_check -s exit:64 -e match:"^grub-bhyve: invalid option -- 'z'$" \
	    grub-bhyve -z web
	atf_check -s exit:1 -e inline:"grub-bhyve: error: cannot open \`nomap': No such file or directory.\n" \
	    grub-bhyve -m nomap -M 512M web
	atf_check bhyvectl --vm=web --destroy
	printf '(hd0) %s\n' "$(pwd)/gone.img" > bad.map
	atf_check -s exit:1 -e inline:"grub-bhyve: error: cannot stat \`$(pwd)/gone.img': No such file or directory.\n" \
	    grub-bhyve -m bad.map -M 512M web
	atf_check grub-bhyve -r hd0,msdos1 -m device.map -M 512M web
	vmm_has web mem=536870912
	echo poweroff > root/sim/web.guest
	atf_check -s exit:1 bhyve -m 512M -s 0,hostbridge web
}

atf_test_case loader_hang
loader_hang_head()
{
	atf_set descr "A hanging loader waits until killed"
}
loader_hang_body()
{
	sim_env
	echo hang > root/sim/web.loader
	bg l bhyveload web
	wait_for test -s root/sim/web.bhyveload.pid
	kill -TERM "$(cat bg.l)"
	bg_wait l
	atf_check_equal 143 "$rc"
	atf_check -s exit:1 test -e root/sim/web.bhyveload.pid
	vmm_has web loaded=0
}
loader_hang_cleanup()
{
	sim_kill
}

atf_test_case tap_exclusive
tap_exclusive_head()
{
	atf_set descr "A tap serves one bhyve at a time"
}
tap_exclusive_body()
{
	sim_env
	atf_check bhyveload web
	atf_check -s exit:4 -e inline:"open of tap device /dev/tap0 failed\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 2,virtio-net,tap0 -s 31,lpc web
	atf_check -o inline:"tap0\n" ifconfig tap create
	atf_check bhyveload a
	atf_check bhyveload b
	bg a bhyve -s 2,virtio-net,tap0,mac=58:9c:fc:00:00:01 a
	wait_for running a
	atf_check -s exit:4 -e inline:"open of tap device /dev/tap0 failed\ndevice emulation initialization error: Device busy\n" \
	    bhyve -s 2,virtio-net,tap0 b
	atf_check -s exit:4 -e inline:"Invalid MAC 01:00:00:00:00:01\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 2,e1000,tap0,mac=01:00:00:00:00:01 b
	atf_check bhyvectl --vm=a --force-poweroff
	bg_wait a
	atf_check_equal 1 "$rc"
	echo poweroff > root/sim/b.guest
	atf_check -s exit:1 bhyve -s 2,virtio-net,tap0 b
	# The same tap twice in one bhyve is busy too.
	atf_check bhyveload c
	atf_check -s exit:4 -e inline:"open of tap device /dev/tap0 failed\ndevice emulation initialization error: Device busy\n" \
	    bhyve -s 2,virtio-net,tap0 -s 3,virtio-net,tap0 c
}
tap_exclusive_cleanup()
{
	sim_kill
}

atf_test_case vnc
vnc_head()
{
	atf_set descr "fbuf listens for real; wait blocks; a busy port fails"
}
vnc_body()
{
	sim_env
	firmware
	port=$((20000 + $$ % 20000))
	rom="bootrom,$(pwd)/code.fd,$(pwd)/vars.fd"
	atf_check -s exit:4 -e inline:"fbuf: max resolution is 1920x1200\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 29,fbuf,tcp=127.0.0.1:$port,w=2048 -s 31,lpc -l "$rom" w
	atf_check -s exit:4 -e inline:"fbuf: Missing port number: \"127.0.0.1:\"\ndevice emulation initialization error: No such file or directory\n" \
	    bhyve -s 29,fbuf,tcp=127.0.0.1: -s 31,lpc -l "$rom" w
	bg v bhyve -s 29,fbuf,tcp=127.0.0.1:$port,wait -s 31,lpc -l "$rom" v
	wait_for test -f root/dev/vmm/v
	sleep 0.2
	atf_check -s exit:1 test -e root/sim/v.pid
	atf_check -s exit:4 -e inline:"bind: Address already in use\ndevice emulation initialization error: Address already in use\n" \
	    bhyve -s 29,fbuf,rfb=127.0.0.1:$port -s 31,lpc -l "$rom" w
	if command -v python3 > /dev/null; then
		atf_check -o inline:"RFB 003.008\n" python3 -c "import socket
s = socket.create_connection(('127.0.0.1', $port))
print(s.recv(12).decode(), end='')"
	elif command -v nc > /dev/null; then
		atf_check -o inline:"RFB 003.008\n" nc -w 1 127.0.0.1 $port
	else
		atf_skip "neither python3 nor nc to connect with"
	fi
	wait_for running v
	atf_check bhyvectl --vm=v --force-poweroff
	bg_wait v
	atf_check_equal 1 "$rc"
}
vnc_cleanup()
{
	sim_kill
}

atf_test_case proctitle
proctitle_head()
{
	atf_set descr "A running bhyve is titled 'bhyve: NAME'"
}
proctitle_body()
{
	sim_env
	[ -r /proc/self/cmdline ] || atf_skip "no /proc"
	atf_check bhyveload web
	bg b bhyve -A -H -c 1 -m 256M -s 0,hostbridge web
	wait_for running web
	atf_check -o inline:"bhyve: web\n" \
	    sh -c "tr '\\0' '\\n' < /proc/$(cat root/sim/web.pid)/cmdline | head -1"
	atf_check bhyvectl --vm=web --force-poweroff
	bg_wait b
}
proctitle_cleanup()
{
	sim_kill
}

atf_test_case fail_injection
fail_injection_head()
{
	atf_set descr "sim/fail lines make matching calls fail, and only those"
}
fail_injection_body()
{
	sim_env
	printf 'ifconfig tap create\nbhyve web\nbhyvectl --destroy\n' > root/sim/fail
	atf_check -s exit:1 -o empty -e inline:"ifconfig: simulated failure\n" \
	    ifconfig tap create
	atf_check -s exit:1 test -e root/sim/if/tap0
	atf_check -o inline:"bridge0\n" ifconfig bridge create
	atf_check -s exit:1 -e inline:"bhyve: simulated failure\n" \
	    bhyve -s 0,hostbridge web
	atf_check -s exit:1 test -e root/dev/vmm/web
	atf_check bhyveload web
	atf_check -s exit:1 -e inline:"bhyvectl: simulated failure\n" \
	    bhyvectl --vm=web --destroy
	atf_check test -f root/dev/vmm/web
	atf_check -o match:"^ifconfig tap create$" -o match:"^bhyve-exit web 1$" \
	    cat root/sim/log
	echo "zfs list nosuchpool" > root/sim/fail
	atf_check -s exit:1 -e inline:"zfs: simulated failure\n" \
	    zfs list -H nosuchpool
}

atf_test_case sysrc
sysrc_head()
{
	atf_set descr "sysrc set, get, delete and unknown variables"
}
sysrc_body()
{
	sim_env
	atf_check -o inline:"kvm_enable:  -> YES\n" sysrc kvm_enable=YES
	atf_check -o inline:"kvm_enable: YES\n" sysrc kvm_enable
	atf_check -o inline:"YES\n" sysrc -n kvm_enable
	atf_check -o inline:"kvm_enable: YES -> NO\n" sysrc kvm_enable=NO
	atf_check -o inline:'kvm_enable="NO"\n' cat root/etc/rc.conf
	atf_check -o inline:"web_enable:  -> YES\n" sysrc web_enable=YES
	atf_check -o empty sysrc -x kvm_enable
	atf_check -o inline:'web_enable="YES"\n' cat root/etc/rc.conf
	atf_check -s exit:1 -e inline:"sysrc: unknown variable 'kvm_enable'\n" \
	    sysrc -x kvm_enable
	atf_check -s exit:1 -e inline:"sysrc: unknown variable 'nope'\n" \
	    sysrc nope
	atf_check -s exit:1 -e empty sysrc -i nope
	atf_check -o inline:"vmm_load:  -> YES\n" sysrc -f loader.conf vmm_load=YES
	atf_check -o inline:'vmm_load="YES"\n' cat loader.conf
	atf_check -o inline:"cloned_interfaces:  -> bridge0 tap0\n" \
	    sysrc cloned_interfaces+="bridge0 tap0"
	atf_check -o inline:"cloned_interfaces: bridge0 tap0 -> bridge0\n" \
	    sysrc cloned_interfaces-=tap0
}

atf_test_case ifconfig_taps
ifconfig_taps_head()
{
	atf_set descr "tap numbering, renames, bridges and missing interfaces"
}
ifconfig_taps_body()
{
	sim_env
	atf_check -o inline:"tap0\n" ifconfig tap create
	atf_check -o inline:"tap1\n" ifconfig tap create
	atf_check -o empty ifconfig tap5 create
	atf_check -s exit:1 -e inline:"ifconfig: SIOCIFCREATE2: File exists\n" \
	    ifconfig tap5 create
	atf_check ifconfig tap0 destroy
	atf_check -s exit:1 test -e root/dev/tap0
	atf_check -o inline:"tap0\n" ifconfig tap create
	atf_check -o inline:"vmnic0\n" ifconfig tap create name vmnic0
	atf_check test -f root/dev/tap2
	atf_check test -L root/dev/vmnic0
	atf_check -o inline:"bridge0\n" ifconfig bridge create
	atf_check ifconfig bridge0 addm tap0 addm vmnic0 up
	atf_check -o match:"member: vmnic0 " -o match:"member: tap0 " \
	    -o match:"flags=8843<UP," ifconfig bridge0
	atf_check -s exit:1 -e inline:"ifconfig: BRDGADD tap0: File exists\n" \
	    ifconfig bridge0 addm tap0
	atf_check -s exit:1 -e inline:"ifconfig: BRDGADD tap7: No such file or directory\n" \
	    ifconfig bridge0 addm tap7
	atf_check ifconfig tap0 descr "vmnet/web/0"
	atf_check -o match:"description: vmnet/web/0" ifconfig tap0
	atf_check -s exit:1 -e inline:"ifconfig: interface tap9 does not exist\n" \
	    ifconfig tap9
	atf_check -s exit:1 -e inline:"ifconfig: interface tap9 does not exist\n" \
	    ifconfig tap9 destroy
	atf_check ifconfig tap0 destroy
	atf_check -o not-match:"member: tap0" ifconfig bridge0
	atf_check -o inline:"bridge0 tap1 tap5 vmnic0\n" ifconfig -l
	atf_check ifconfig tap5 inet 192.168.2.2/24
	atf_check -o match:"^	inet 192.168.2.2/24\$" -o match:"flags=8943<UP," \
	    ifconfig tap5
	atf_check -s exit:1 -e inline:"ifconfig: 192.168.2/24: bad value\n" \
	    ifconfig tap5 inet 192.168.2/24
	atf_check -s exit:1 -e inline:"ifconfig: 10.0.0.1/33: bad value\n" \
	    ifconfig tap5 inet 10.0.0.1/33
}

atf_test_case kld
kld_head()
{
	atf_set descr "kldload and kldstat"
}
kld_body()
{
	sim_env
	atf_check -s exit:1 -e empty kldstat -q -m vmm
	atf_check -s exit:1 -e inline:"kldstat: can't find module vmm: No such file or directory\n" \
	    kldstat -m vmm
	atf_check kldload vmm if_bridge
	atf_check -o inline:"Id  Refs Name\n  2    1 vmm\n" kldstat -m vmm
	atf_check -s exit:1 -e inline:"kldload: can't load vmm: module already loaded or in kernel\n" \
	    kldload vmm
	atf_check kldload -n vmm
	atf_check -s exit:1 -e inline:"kldload: can't load nosuch: No such file or directory\n" \
	    kldload nosuch
	atf_check -o inline:"vmm\nif_bridge\n" cat root/sim/kld
}

atf_init_test_cases()
{
	atf_add_test_case rootdir_required
	atf_add_test_case log_lines
	atf_add_test_case bad_slot
	atf_add_test_case slot_twice
	atf_add_test_case unknown_emulation
	atf_add_test_case vm_name
	atf_add_test_case cannot_boot
	atf_add_test_case memsize
	atf_add_test_case missing_bootrom
	atf_add_test_case topology
	atf_add_test_case passthru
	atf_add_test_case lpc_needed
	atf_add_test_case nmdm_console
	atf_add_test_case reboot_then_poweroff
	atf_add_test_case guest_exits
	atf_add_test_case sigterm_acpi
	atf_add_test_case sigterm_ignore
	atf_add_test_case sigterm_noacpi
	atf_add_test_case ctl_force
	atf_add_test_case ctl_destroy
	atf_add_test_case ctl_missing
	atf_add_test_case loaders
	atf_add_test_case loader_hang
	atf_add_test_case tap_exclusive
	atf_add_test_case vnc
	atf_add_test_case proctitle
	atf_add_test_case fail_injection
	atf_add_test_case sysrc
	atf_add_test_case ifconfig_taps
	atf_add_test_case kld
}
