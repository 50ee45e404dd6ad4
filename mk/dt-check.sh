#!/bin/sh
# usage: mk/dt-check.sh TOP OUT DT_INCLUDE
# The device-tree checks of `make lint`, with dtschema from the build venv
# (make deps) and dtc/fdtoverlay (device-tree-compiler):
#  - every binding under Documentation/devicetree/bindings/ against
#    dt-schema's meta-schema (dt-doc-validate);
#  - each binding's example against the bindings (dt-validate);
#  - the i.MX8M Plus example overlay, applied with fdtoverlay to a stand-in
#    of imx8mp.dtsi (tests/dt/imx8mp-min.dts), against the bindings, and
#    checked to add a node of its own: the SoC's Vivante NPU at 0x38500000
#    must come out untouched.
# DT_INCLUDE holds dt-bindings/ (the kernel's include directory).
# dt-validate exits 0 even when a node fails: any output is a failure.
set -eu
top=$1 out=$2 inc=$3
venv=$top/build/venv/bin
bind=$top/Documentation/devicetree/bindings
ovl=$top/Documentation/devicetree/overlays/imx8mp-npu8.dtso
base=$top/tests/dt/imx8mp-min.dts
for t in "$venv/dt-doc-validate" "$venv/dt-validate" "$venv/dt-mk-schema" "$venv/dt-extract-example"; do
	[ -x "$t" ] || { echo "dt-check: $t missing (make deps)" >&2; exit 1; }
done
for t in dtc fdtoverlay fdtget cpp; do
	command -v $t >/dev/null || { echo "dt-check: $t missing (make deps: device-tree-compiler)" >&2; exit 1; }
done
[ -d "$inc/dt-bindings" ] || { echo "dt-check: no $inc/dt-bindings" >&2; exit 1; }
mkdir -p "$out"
fail=0
bad() { echo "dt-check: $*" >&2; fail=1; }
# Prints the command's output; fails when there is any or it fails.
silent() {	# what cmd...
	what=$1; shift
	if ! msg=$("$@" 2>&1) || [ -n "$msg" ]; then
		[ -n "$msg" ] && echo "$msg" >&2
		bad "$what"
	fi
}
dtcpp() {	# in out.dtb
	cpp -nostdinc -undef -x assembler-with-cpp -I "$inc" "$1" |
		dtc -@ -q -I dts -O dtb -o "$2" -
}

yamls=$(find "$bind" -name '*.yaml' | sort)
[ -n "$yamls" ] || { echo "dt-check: no bindings under $bind" >&2; exit 1; }
for y in $yamls; do
	silent "$y: dt-doc-validate" "$venv/dt-doc-validate" -u "$bind" "$y"
done
"$venv/dt-mk-schema" -j "$bind" > "$out/processed.json"

n=0
for y in $yamls; do
	n=$((n + 1))
	"$venv/dt-extract-example" "$y" > "$out/example$n.dts"
	dtc -q -I dts -O dtb -o "$out/example$n.dtb" "$out/example$n.dts" ||
		{ bad "$y: example does not compile"; continue; }
	silent "$y: example fails the binding" \
		"$venv/dt-validate" -s "$out/processed.json" "$out/example$n.dtb"
done

dtcpp "$base" "$out/imx8mp-min.dtb"
dtcpp "$ovl" "$out/imx8mp-npu8.dtbo"
fdtoverlay -i "$out/imx8mp-min.dtb" -o "$out/imx8mp-npu8.dtb" "$out/imx8mp-npu8.dtbo" ||
	bad "$ovl does not apply to $base"
if [ -f "$out/imx8mp-npu8.dtb" ]; then
	m=$out/imx8mp-npu8.dtb
	[ "$(fdtget "$m" /soc@0/npu@38500000 compatible)" = vivante,gc ] ||
		bad "overlay changed the compatible of the SoC's npu@38500000"
	[ "$(fdtget -t x "$m" /soc@0/npu@38500000 reg)" = "38500000 200000" ] ||
		bad "overlay changed the reg of the SoC's npu@38500000"
	fdtget -p "$m" /soc@0/npu@38500000 | grep -qx 'resets' &&
		bad "overlay added properties to the SoC's npu@38500000"
	[ "$(fdtget "$m" /soc@0/npu@38700000 compatible)" = npustack,npu8 ] ||
		bad "overlay did not add npu@38700000"
	# Only what concerns our node: the stand-in's nodes have no bindings here.
	msg=$("$venv/dt-validate" -s "$out/processed.json" "$m" 2>&1 | grep -i 'npustack\|npu@38700000' || true)
	[ -z "$msg" ] || { echo "$msg" >&2; bad "overlay's node fails the binding"; }
fi
[ $fail = 0 ] || exit 1
echo "dt-check: $(echo "$yamls" | wc -l) binding(s), examples and the i.MX8M Plus overlay clean"
