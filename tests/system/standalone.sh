# Standalone (no server): a local policy applied with `wardenctl policy
# apply` is in force and the verdict follows (the arm64 smoke subset).

policy_set passwordPolicies '[{"passwordScope": "SCOPE_DEVICE",
  "passwordQuality": "ALPHANUMERIC", "passwordMinimumLength": 10}]'
shown() {
	ctl policy show | grep -q "version.*$(policy_version)"
}
until_ok 60 shown &&
	ok "a standalone policy is in force (version $(policy_version))" \
		"$(ctl policy show | head -n 3 | tr '\n' ' ')" ||
	not_ok "a standalone policy is in force" "$(ctl policy show; agent_log)"
# The effect: pwquality's minlen in the drop-in PAM reads.
grep -qx 'minlen = 10' /etc/security/pwquality.conf.d/50-warden.conf &&
	ok "the passcode policy reaches pam_pwquality's configuration" \
		"$(grep -v '^#' /etc/security/pwquality.conf.d/50-warden.conf | tr '\n' ' ')" ||
	not_ok "pwquality drop-in" "$(cat /etc/security/pwquality.conf.d/50-warden.conf 2>&1)"
v=$(ctl compliance | head -n 1)
[ -n "$v" ] && ok "compliance is evaluated" "$v" || not_ok "compliance" "$(ctl compliance 2>&1)"
