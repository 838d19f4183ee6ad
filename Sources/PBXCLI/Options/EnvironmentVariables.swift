import PBXEngine

/// The man page's ENVIRONMENT section: every variable pbxctl reads, as
/// docs/configuration.md describes them.
enum EnvironmentVariables {
    static let documented: [(String, String)] = [
        ("PBXCTL_PROFILE", "the profile to use when --profile is not given"),
        ("PBXCTL_OUTPUT", "the default output format: table, json, jsonl, csv or tsv"),
        ("PBXCTL_CONFIG", "the config file; credentials live in the same folder"),
        ("XDG_CONFIG_HOME", "without PBXCTL_CONFIG, the config is $XDG_CONFIG_HOME/pbxctl/config (else ~/.config/pbxctl/config)"),
        ("PBXCTL_URL", "a PortSIP server's base URL, for a connection without a profile (with PBXCTL_TOKEN)"),
        ("PBXCTL_TOKEN", "the PortSIP access token for PBXCTL_URL"),
        ("PBXCTL_DOMAIN", "the PortSIP tenant domain for PBXCTL_URL (optional)"),
        ("PBXCTL_ROCKETCHAT_URL", "a Rocket.Chat server's base URL, for a connection without a profile"),
        ("PBXCTL_ROCKETCHAT_USER_ID", "the Rocket.Chat user ID for PBXCTL_ROCKETCHAT_URL"),
        ("PBXCTL_ROCKETCHAT_AUTH_TOKEN", "the Rocket.Chat auth token for PBXCTL_ROCKETCHAT_URL"),
        ("PBXCTL_ROCKETCHAT_JWT_SECRET", "the secret Rocket.Chat signs its answers with (optional)"),
        ("PBXCTL_VONAGE_URL", "a Vonage Contact Center API base URL, for a connection without a profile"),
        ("PBXCTL_VONAGE_REGION", "instead of PBXCTL_VONAGE_URL: emea, nam or apac"),
        ("PBXCTL_VONAGE_TOKEN_URL", "the Vonage token endpoint"),
        ("PBXCTL_VONAGE_CLIENT_ID", "the Vonage client ID"),
        ("PBXCTL_VONAGE_CLIENT_SECRET", "the Vonage client secret"),
        ("PBXCTL_VONAGE_TOKEN", "a Vonage access token, instead of the client ID and secret"),
        ("PBXCTL_COMMPEAK_URL", "a CommPeak server's base URL, for a connection without a profile"),
        ("PBXCTL_COMMPEAK_USERNAME", "the CommPeak user name"),
        ("PBXCTL_COMMPEAK_PASSWORD", "the CommPeak password"),
        ("PBXCTL_COMMPEAK_BASIC", "not read by pbxctl: what a CommPeak --dry-run line sends as Basic credentials, base64 of username:password"),
        ("PBXCTL_BACKOFF_BASE_MS", "the first retry's backoff ceiling in milliseconds (1 to 60000, default 250)"),
        ("PBXCTL_MAX_BODY_MB", "the largest answer held, or list streamed, in MB (1 to 4096, default 512)"),
        ("NO_COLOR", "when set and not empty, no colour (unless --color always)"),
        ("TERM", "dumb: no colour (unless --color always)"),
    ]
}
