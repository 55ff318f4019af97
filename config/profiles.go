package config

// ProfileNames lists, sorted, the profiles of the config file that Resolve
// would read (--config, AMKEYS_CONFIG or the default path); none when
// there is no file. It reads the file only: no key is looked up and no
// key command runs, so shell completion may call it on every tab.
func (r Resolver) ProfileNames() ([]string, error) {
	r = r.withDefaults()
	path, explicit, source := r.configPath()
	cfg, _, err := loadConfigFile(path, explicit, source)
	if err != nil || cfg == nil {
		return nil, err
	}
	return cfg.profileNames(), nil
}
