# Sourced by the interop scripts that load the extension into a process of their own
# (sqlite3, python; never node): `san_preload SO` sets $preload to the sanitizer
# runtimes that must come first in such a process when SO was built with them (make
# asan), or to nothing, and exports it as LANCE_SQLITE_PRELOAD (sqlite_cli.mjs and the
# other node checks pass it to the sqlite3 shells they start) with the ASan options.
san_preload() {
	preload=""
	if ldd "$1" 2>/dev/null | grep -q 'libasan'; then
		cc=${CC:-cc}
		preload="$($cc -print-file-name=libasan.so) $($cc -print-file-name=libubsan.so)"
	fi
	export LANCE_SQLITE_PRELOAD="$preload" ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
}
