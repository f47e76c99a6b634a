#!/bin/sh
# embed.sh SYMBOL FILE: print a C source defining SYMBOL as FILE's text,
# so kvm carries its hook library and install needs no share directory.
set -e
sym=$1
file=$2
printf '/* generated from %s by tools/embed.sh; do not edit */\n' "$file"
printf 'const char %s[] =\n' "$sym"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$file"
printf '    ;\n'
