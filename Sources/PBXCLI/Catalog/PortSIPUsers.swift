import PBXCatalog
import PBXClient
import PBXEngine
import PBXJSON

/// `users` and `roles`: the PortSIP catalog entries, as data.
enum PortSIPUsersCatalog {
    static let newBalance = FlagKey<String?>.numberText("set", value: "AMOUNT", help: "set the balance to AMOUNT")

    static let userColumns = ["id", "name", "extension_number", "display_name", "email", "role", "enabled"]
    static let user = OperationArgument("USER", "user ID or extension number", .user)

    /// `users create`; `users import` and `users apply` send the same request, row by
    /// row, with this entry's schema, rules and secrets.
    static var create: Operation {
        var create = Operation(["users", "create"], "Create a user", .create, "POST", "/users", noun: "user")
        create.bodyFlags = [
            BodyFlag("name", "name", "account name: letters, digits, _ - ' . (not admin, system, administrator, root)"),
            BodyFlag("display-name", "display_name", "display name"),
            BodyFlag("email", "email", "email address"),
            BodyFlag("role", "role", "role name, e.g. StandardUser"),
            BodyFlag("extension", "extension_number", "extension number, 3-64 digits"),
            BodyFlag("department", "department"),
            BodyFlag("mobile-phone", "mobile_phone", "mobile phone number"),
            BodyFlag("enabled", "enabled", "whether the extension is enabled"),
        ]
        create.secrets = [SecretField("password", "Password"), SecretField("extension_password", "Extension (SIP) password"), SecretField("voicemail_pin", "Voicemail PIN (6-10 digits)")]
        create.rules = .users
        create.examples = [
            "pbxctl users create --name alice --display-name 'Alice Smith' --email alice@example.com --role StandardUser --extension 1301 -F password=@password.txt -F extension_password=@sip-password.txt -F voicemail_pin=@pin.txt",
            "pbxctl users create --data alice.json",
        ]
        return create
    }

    static var users: [Operation] {
        var list = Operation(["users", "list"], "List users", .list, "GET", "/users", noun: "user")
        list.columns = userColumns
        list.examples = ["pbxctl users list", "pbxctl users list --all -o csv --fields id,name,extension_number", "pbxctl users list --filter \"extension_number eq '1001'\" -o json"]

        var get = Operation(["users", "get"], "Show a user", .get, "GET", "/users/{id}", noun: "user")
        get.arguments = [user]
        get.secretOutputFields = ["voicemail_pin"]
        get.examples = ["pbxctl users get 1001", "pbxctl users get NzAwNTUxOTA5NzczMTQ4MTYx -o json"]

        let create = self.create

        var update = Operation(["users", "update"], "Update a user", .update, "POST", "/users/{id}", noun: "user")
        update.arguments = [user]
        update.bodyFlags = [
            BodyFlag("display-name", "display_name", "display name"), BodyFlag("email", "email", "email address"),
            BodyFlag("department", "department"), BodyFlag("mobile-phone", "mobile_phone", "mobile phone number"),
            BodyFlag("enabled", "enabled", "enable or disable the extension"),
        ]
        update.rules = .users
        update.examples = ["pbxctl users update 1001 --display-name 'Alice S.' --enabled false", "pbxctl users update 1001 -F enable_dnd=true"]

        var delete = Operation(["users", "delete"], "Delete a user", .delete, "POST", "/users/{id}/destroy", noun: "user")
        delete.arguments = [user]
        delete.confirm = true
        delete.examples = ["pbxctl users delete 1301 --yes"]

        var setPassword = Operation(["users", "set-password"], "Set a user's password", .action, "POST", "/users/{id}/password", noun: "user")
        setPassword.arguments = [user]
        setPassword.secrets = [SecretField("password", "New password")]
        setPassword.examples = ["pbxctl users set-password 1001 --password-stdin < new-password.txt", "printf '%s' \"$NEW_PASSWORD\" | pbxctl users set-password 1001 --password-stdin"]

        var setExtensionPassword = Operation(["users", "set-extension-password"], "Set a user's extension (SIP) password", .action, "POST", "/users/{id}/extension_password", noun: "user")
        setExtensionPassword.arguments = [user]
        setExtensionPassword.secrets = [SecretField("password", "New extension password")]
        setExtensionPassword.examples = ["pbxctl users set-extension-password 1001 --password-stdin < sip-password.txt"]

        var setRole = Operation(["users", "set-role"], "Change a user's role", .action, "POST", "/users/{id}/role", noun: "user")
        setRole.arguments = [user, OperationArgument("ROLE", "role name", .body("role"))]
        setRole.examples = ["pbxctl users set-role 1001 QueueManager"]

        var resetProfile = Operation(["users", "reset-profile"], "Reset a user's profile, or every user's", .action, "POST", "/users/{id}/profile", noun: "user profile")
        resetProfile.arguments = [OperationArgument("USER", "user ID or extension number; without it every user's profile is reset", .user, optional: true)]
        resetProfile.extraFlags = [CommonFlags.yes.with(help: "do not ask for confirmation when resetting every user").flag]
        resetProfile.variants = [.withoutArgument(template: "/users/profile", confirm: "Reset the profile of every user?", meaning: "every user")]
        resetProfile.examples = ["pbxctl users reset-profile 1001", "pbxctl users reset-profile --yes"]

        var status = Operation(["users", "status"], "Show a user's registration status", .get, "GET", "/users/{id}/status", noun: "user")
        status.arguments = [user]
        status.examples = ["pbxctl users status 1001", "pbxctl users status 1001 -o json"]

        var balance = Operation(["users", "balance"], "Show or set a user's balance", .get, "GET", "/users/{id}/balance", noun: "balance")
        balance.arguments = [user]
        balance.variants = [.flagSendsBody(newBalance, method: "POST", field: "balance", number: true)]
        balance.examples = ["pbxctl users balance 1001", "pbxctl users balance 1001 --set 25.50"]

        var bind = Operation(["users", "ms365-bind"], "Bind a user to a Microsoft 365 account", .action, "POST", "/users/{id}/ms365_binding", noun: "user")
        bind.arguments = [user, OperationArgument("MS365_ID", "the Microsoft 365 user ID", .body("id"))]
        bind.examples = ["pbxctl users ms365-bind 1001 3f2a9c1e-0d4b-4c55-9a8e-2b7c1d0e4f5a"]

        var unbind = Operation(["users", "ms365-unbind"], "Remove a user's Microsoft 365 binding", .delete, "POST", "/users/{id}/ms365_binding/destroy", noun: "Microsoft 365 binding of user")
        unbind.arguments = [user]
        unbind.confirm = true
        unbind.examples = ["pbxctl users ms365-unbind 1001 --yes"]

        var export = Operation(["users", "export"], "Write every user, in any output format (CSV re-imports)", .list, "GET", "/users", noun: "user")
        export.alwaysAll = true
        export.columns = ["id", "name", "display_name", "email", "role", "extension_number", "enabled", "department", "mobile_phone", "work_phone", "home_phone", "address"]
        export.examples = ["pbxctl users export -o csv > users.csv", "pbxctl users export -o jsonl --filter \"role eq 'Admin'\""]

        return [list, get, create, update, delete, setPassword, setExtensionPassword, setRole, resetProfile, status, balance, bind, unbind, export]
    }

    static var roles: [Operation] {
        let role = OperationArgument("NAME", "role name", .path)
        var list = Operation(["roles", "list"], "List roles", .list, "GET", "/roles", noun: "role")
        list.columns = ["name", "description"]
        list.idKey = "name"
        list.examples = ["pbxctl roles list", "pbxctl roles list -q"]

        var get = Operation(["roles", "get"], "Show a role and its permissions", .get, "GET", "/roles/{name}", noun: "role")
        get.arguments = [role]
        get.idKey = "name"
        get.examples = ["pbxctl roles get QueueManager -o json"]

        var create = Operation(["roles", "create"], "Create a custom role (with no permissions unless given)", .create, "POST", "/roles", noun: "role")
        create.arguments = [OperationArgument("NAME", "role name (not a built-in role's)", .body("name"))]
        create.bodyFlags = [BodyFlag("description", "description", "what the role is for")]
        create.defaults = JSONObject([("permissions", .object(JSONObject()))])
        create.idKey = "name"
        create.rules = .roles
        create.examples = ["pbxctl roles create Auditors --description 'Read-only call logs' -F permissions.company_call_log.call_log_view_only=true"]

        var update = Operation(["roles", "update"], "Update a custom role", .update, "POST", "/roles/{name}", noun: "role")
        update.arguments = [role]
        update.bodyFlags = [BodyFlag("description", "description", "what the role is for")]
        update.examples = ["pbxctl roles update Auditors -F permissions.analytics.call_report_view_only=true"]

        var delete = Operation(["roles", "delete"], "Delete a custom role", .delete, "POST", "/roles/{name}/destroy", noun: "role")
        delete.arguments = [role]
        delete.confirm = true
        delete.examples = ["pbxctl roles delete Auditors --yes"]
        return [list, get, create, update, delete]
    }
}
