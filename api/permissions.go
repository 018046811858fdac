package api

// Permission is a name an access configuration (config-access.toml) grants
// to users and roles.
type Permission string

// The node's 13 permission names, in the node's enum order.
const (
	PermUnrestricted      Permission = "unrestricted"
	PermAccountWeight     Permission = "api_account_weight"
	PermServiceRegister   Permission = "api_service_register"
	PermServiceStop       Permission = "api_service_stop"
	PermTopicServiceStop  Permission = "api_topic_service_stop"
	PermTopicConfirmation Permission = "api_topic_confirmation"
	PermAccountQuery      Permission = "account_query"
	PermEpochUpgrade      Permission = "epoch_upgrade"
	PermService           Permission = "service"
	PermWallet            Permission = "wallet"
	PermWalletRead        Permission = "wallet_read"
	PermWalletWrite       Permission = "wallet_write"
	PermWalletSeedChange  Permission = "wallet_seed_change"
	PermAccountBalance    Permission = "api_account_balance"
	PermAccountInfo       Permission = "api_account_info"
	PermAccountHistory    Permission = "api_account_history"
	PermBlockInfo         Permission = "api_block_info"
	PermBlockCount        Permission = "api_block_count"
	PermRepresentatives   Permission = "api_representatives"
	PermReceivable        Permission = "api_receivable"
	PermVersion           Permission = "api_version"
	PermReload            Permission = "api_reload"

	// The WebSocket's other topics. The node's WebSocket checks nothing:
	// each is also granted by api_topic_confirmation, which the default
	// user holds, so a fresh node serves them all to anyone.
	PermTopicVote                Permission = "api_topic_vote"
	PermTopicStartedElection     Permission = "api_topic_started_election"
	PermTopicStoppedElection     Permission = "api_topic_stopped_election"
	PermTopicNewUnconfirmedBlock Permission = "api_topic_new_unconfirmed_block"
	PermTopicActiveDifficulty    Permission = "api_topic_active_difficulty"
	PermTopicWork                Permission = "api_topic_work"
	PermTopicTelemetry           Permission = "api_topic_telemetry"
	PermTopicBootstrap           Permission = "api_topic_bootstrap"
)

// PermissionInfo describes one permission of the catalog.
type PermissionInfo struct {
	Name    Permission
	Meaning string // one line
	Node    bool   // one of the node's 13 names (false: added by nipc)
}

var permissions = []PermissionInfo{
	{PermUnrestricted, "every permission, including ones added later", true},
	{PermAccountWeight, "AccountWeight: an account's voting weight (the default user has it)", true},
	{PermServiceRegister, "ServiceRegister: name this session as a service", true},
	{PermServiceStop, "ServiceStop: ask a service (or, with \"node\", the node) to stop", true},
	{PermTopicServiceStop, "TopicServiceStop: subscribe to EventServiceStop", true},
	{PermTopicConfirmation, "TopicConfirmation: subscribe to EventConfirmation; the WebSocket's confirmation topic (the default user has it)", true},
	{PermAccountQuery, "every read-only account query (AccountWeight, AccountBalance, AccountInfo, AccountHistory, Receivable)", true},
	{PermEpochUpgrade, "epoch upgrades (no v2 message uses it yet)", true},
	{PermService, "ServiceRegister and ServiceStop", true},
	{PermWallet, "every wallet operation (no v2 message uses it yet)", true},
	{PermWalletRead, "read wallets (no v2 message uses it yet)", true},
	{PermWalletWrite, "change wallets (no v2 message uses it yet)", true},
	{PermWalletSeedChange, "change a wallet's seed (no v2 message uses it yet)", true},
	{PermAccountBalance, "AccountBalance: an account's balance and receivable sum", false},
	{PermAccountInfo, "AccountInfo: the state of an account's chain", false},
	{PermAccountHistory, "AccountHistory: the blocks of an account's chain", false},
	{PermBlockInfo, "BlockInfoQuery: one block and its ledger facts", false},
	{PermBlockCount, "BlockCount: ledger block counts", false},
	{PermRepresentatives, "Representatives: representatives and their weights", false},
	{PermReceivable, "Receivable: blocks sent to an account and not yet received", false},
	{PermVersion, "Version: node and protocol versions", false},
	{PermReload, "Reload: reload the access configuration", false},
	{PermTopicVote, "the WebSocket's vote topic (api_topic_confirmation grants it too)", false},
	{PermTopicStartedElection, "the WebSocket's started_election topic (api_topic_confirmation grants it too)", false},
	{PermTopicStoppedElection, "the WebSocket's stopped_election topic (api_topic_confirmation grants it too)", false},
	{PermTopicNewUnconfirmedBlock, "the WebSocket's new_unconfirmed_block topic (api_topic_confirmation grants it too)", false},
	{PermTopicActiveDifficulty, "the WebSocket's active_difficulty topic (api_topic_confirmation grants it too)", false},
	{PermTopicWork, "the WebSocket's work topic (api_topic_confirmation grants it too)", false},
	{PermTopicTelemetry, "the WebSocket's telemetry topic (api_topic_confirmation grants it too)", false},
	{PermTopicBootstrap, "the WebSocket's bootstrap topic (api_topic_confirmation grants it too)", false},
}

var permissionIndex = func() map[Permission]int {
	m := make(map[Permission]int, len(permissions))
	for i, p := range permissions {
		m[p.Name] = i
	}
	return m
}()

// Permissions returns the catalog: the node's 13 names in the node's order,
// then nipc's. The slice is a copy.
func Permissions() []PermissionInfo { return append([]PermissionInfo(nil), permissions...) }

// LookupPermission returns the catalog entry for name (exact, case-sensitive).
func LookupPermission(name string) (PermissionInfo, bool) {
	i, ok := permissionIndex[Permission(name)]
	if !ok {
		return PermissionInfo{}, false
	}
	return permissions[i], true
}

// Valid reports whether p is in the catalog.
func (p Permission) Valid() bool { _, ok := permissionIndex[p]; return ok }

func (p Permission) String() string { return string(p) }
