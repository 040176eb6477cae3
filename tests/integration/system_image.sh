#!/bin/sh
# The system tests on the booted reference device image (tests/system/,
# tools/vm/system-check, docs/device-image.md): amd64, every check. The
# image is built with mmdebstrap and dpkg-buildpackage (root), cached in
# ~/.cache/warden; QEMU runs it under TCG unless KVM works.
cd "${WARDEN_SRCTREE:-.}" || exit 1
exec sh tools/vm/system-check
