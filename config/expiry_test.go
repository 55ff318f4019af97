package config

import "testing"

// expiry_warn_days is read like the other numbers, and a profile's value
// wins over the top level's.
func TestExpiryWarnDays(t *testing.T) {
	cfg, err := parseConfig("config.toml", "expiry_warn_days = 30\n[profiles.w]\nexpiry_warn_days = 7\n[profiles.x]\n")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"w": 7, "x": 30} {
		s := Settings{ExpiryWarnDays: DefaultExpiryWarnDays}
		merge(cfg.top, *cfg.profiles[name]).applyTo(&s)
		if s.ExpiryWarnDays != want {
			t.Errorf("profile %s: expiry_warn_days %d, want %d", name, s.ExpiryWarnDays, want)
		}
	}
	s := Settings{ExpiryWarnDays: DefaultExpiryWarnDays}
	profileConf{}.applyTo(&s)
	if s.ExpiryWarnDays != 14 {
		t.Errorf("default expiry_warn_days %d", s.ExpiryWarnDays)
	}
}
