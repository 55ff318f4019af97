package sandbox

import (
	"strings"
	"time"

	"github.com/amkeys/amkeys/client"
)

// demoPod is one made-up customer tenant. keys < 0 draws 0 to 40 keys.
type demoPod struct {
	name, clientID string
	keys           int
	minAge         time.Duration
}

// demoPods: "Acme Support" holds 260 keys so that paging shows; "Initech
// Sandbox" holds none; the last few are recent.
var demoPods = []demoPod{
	{"Acme Support", "acme-support", 260, 600 * day},
	{"Globex Billing", "globex-billing", -1, 500 * day},
	{"Initech Sandbox", "initech-sandbox", 0, 420 * day},
	{"Umbrella Research", "umbrella-research", -1, 400 * day},
	{"Stark Industries", "stark-industries", 38, 380 * day},
	{"Wayne Enterprises", "wayne-enterprises", -1, 360 * day},
	{"Müller & Söhne GmbH", "mueller-soehne", 12, 340 * day},
	{"東京 Logistics", "tokyo-logistics", 9, 320 * day},
	{"Café Olé 🚀", "cafe-ole", 5, 300 * day},
	{"Wonka Confectionery", "wonka-confectionery", -1, 280 * day},
	{"Hooli Growth", "hooli-growth", -1, 260 * day},
	{"Pied Piper", "pied-piper", -1, 240 * day},
	{"Soylent Foods", "soylent-foods", -1, 220 * day},
	{"Cyberdyne Systems", "cyberdyne-systems", -1, 200 * day},
	{"Tyrell Corporation", "tyrell-corporation", -1, 190 * day},
	{"Aperture Labs", "aperture-labs", -1, 180 * day},
	{"São Paulo Imóveis", "sao-paulo-imoveis", -1, 170 * day},
	{"Vandelay Industries", "vandelay-industries", 1, 160 * day},
	{"Dunder Mifflin Scranton", "dunder-mifflin", -1, 150 * day},
	{"Ørsted Wind Ops", "orsted-wind", -1, 140 * day},
	{"北京 Data 数据", "beijing-data", 7, 130 * day},
	{"Zürich Versicherung", "zurich-versicherung", -1, 120 * day},
	{"Gringotts Bank", "gringotts-bank", -1, 110 * day},
	{"Łódź Software", "lodz-software", -1, 100 * day},
	{"Nakatomi Trading", "nakatomi-trading", -1, 95 * day},
	{"Crème Brûlée Bakery", "creme-brulee", 3, 40 * day},
	{"Oceanic Airlines", "oceanic-airlines", -1, 20 * day},
	{"Nordisk Fjord AS", "nordisk-fjord", 2, 6 * day},
	{"Monsters Inc", "monsters-inc", 0, 2 * day},
	{"Black Mesa", "black-mesa", 4, 0},
}

var demoKeyNames = []string{
	"Production", "Staging", "CI pipeline", "Support agent", "Billing worker",
	"Webhook relay", "Zapier integration", "Ops laptop", "Inbox triage bot",
	"Nightly export", "Read-only dashboard", "Onboarding agent", "Outbound sender",
	"Spam reviewer", "Draft assistant", "Metrics scraper", "Key rotation job",
	"Temp debug key", "Clé de production", "Résumé parser", "Prüfung (QA)",
	"本番キー", "客服机器人", "🚀 Launch bot", "🤖 Agent #7", "Señal de alertas",
}

var demoInboxes = []string{"support", "billing", "agent", "noreply", "sales"}

var demoOrgKeys = []struct {
	name                string
	perms               client.Permissions
	createdAgo, usedAgo time.Duration // usedAgo 0 = never used
}{
	{"Terraform provisioning", client.Unrestricted(), 300 * day, 2 * time.Hour},
	{"Finance export (read-only)", client.Restricted("pod_read", "api_key_read", "metrics_read"), 200 * day, 3 * day},
	{"Legacy CI — do not use", client.Restricted("thread_read", "thread_delete", "message_read"), 700 * day, 200 * day},
	{"New hire onboarding 👋", client.Restricted("pod_read", "pod_create", "api_key_read", "api_key_create"), 10 * day, 0},
}

// demoPermissionSets mixes unrestricted keys with whitelists of every size,
// including "all 36" (not the same record as unrestricted), none at all, an
// older name and a name this build does not know.
var demoPermissionSets = []struct {
	weight int
	perms  client.Permissions
}{
	{30, client.Unrestricted()},
	{12, client.Restricted(readPermissions()...)},
	{8, client.Restricted("message_send", "draft_send")},
	{10, client.Restricted("inbox_read", "message_read", "message_send", "draft_read", "draft_create", "draft_update", "draft_send")},
	{6, client.Restricted("api_key_read", "api_key_create", "api_key_delete", "pod_read")},
	{5, client.Restricted("webhook_read", "webhook_create", "webhook_update", "webhook_delete")},
	{5, client.Restricted("metrics_read")},
	{4, client.Restricted(client.CurrentPermissionNames()...)},
	{3, client.Restricted("inbox_read", "inbox_create", "inbox_update", "inbox_delete")},
	{2, client.Restricted()},
	{2, client.Restricted("thread_read", "message_read")},
	{2, client.Restricted("message_read", "calendar_read")},
}

func readPermissions() []string {
	var out []string
	for _, n := range client.CurrentPermissionNames() {
		if strings.HasSuffix(n, "_read") {
			out = append(out, n)
		}
	}
	return out
}
