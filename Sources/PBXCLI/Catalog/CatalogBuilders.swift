import PBXCatalog
import PBXEngine

/// Shorthands for the shapes most PortSIP resources share, so that a resource's
/// entry says only what is particular to it.
enum CatalogBuilders {
    struct Resource {
        var group: [String]
        var noun: String
        /// The current-user collection path, e.g. `/user/phones`.
        var base: String
        /// The admin collection path, e.g. `/users/{id}/phones`, and the name of its item parameter.
        var admin: (path: String, item: String)?
        var columns: [String]
        var idArgument = "ID"
        var idHelp: String
        var createFlags: [BodyFlag] = []
        var updateFlags: [BodyFlag] = []
        var rules: PortSIPRuleSet?
        var example: String
    }

    static func item(_ resource: Resource) -> OperationArgument {
        OperationArgument(resource.idArgument, resource.idHelp, .path)
    }

    static func list(_ r: Resource, summary: String? = nil) -> Operation {
        var op = Operation(r.group + ["list"], summary ?? "List \(r.noun)s", .list, "GET", r.base, noun: r.noun)
        op.adminPath = r.admin?.path
        op.columns = r.columns
        op.examples = ["\(prefix(r)) list", "\(prefix(r)) list -o json" + (r.admin != nil ? " --user 1001" : "")]
        return op
    }

    static func get(_ r: Resource) -> Operation {
        var op = Operation(r.group + ["get"], "Show a \(r.noun)", .get, "GET", r.base + "/{id}", noun: r.noun)
        op.adminPath = r.admin.map { $0.path + "/{\($0.item)}" }
        op.arguments = [item(r)]
        op.examples = ["\(prefix(r)) get \(r.example)"]
        return op
    }

    static func create(_ r: Resource) -> Operation {
        var op = Operation(r.group + ["create"], "Create a \(r.noun)", .create, "POST", r.base, noun: r.noun)
        op.adminPath = r.admin?.path
        op.bodyFlags = r.createFlags
        op.rules = r.rules
        op.columns = ["id"]
        return op
    }

    static func update(_ r: Resource) -> Operation {
        var op = Operation(r.group + ["update"], "Update a \(r.noun)", .update, "POST", r.base + "/{id}", noun: r.noun)
        op.adminPath = r.admin.map { $0.path + "/{\($0.item)}" }
        op.arguments = [item(r)]
        op.bodyFlags = r.updateFlags
        op.rules = r.rules
        return op
    }

    static func delete(_ r: Resource) -> Operation {
        var op = Operation(r.group + ["delete"], "Delete a \(r.noun)", .delete, "POST", r.base + "/{id}/destroy", noun: r.noun)
        op.adminPath = r.admin.map { $0.path + "/{\($0.item)}/destroy" }
        op.arguments = [item(r)]
        op.confirm = true
        op.examples = ["\(prefix(r)) delete \(r.example) --yes"]
        return op
    }

    /// A POST with no body on one item (`meetings lock ID`).
    static func action(_ r: Resource, _ word: String, _ summary: String, _ suffix: String, confirm: Bool = false) -> Operation {
        var op = Operation(r.group + [word], summary, .action, "POST", r.base + "/{id}/" + suffix, noun: r.noun)
        op.adminPath = r.admin.map { $0.path + "/{\($0.item)}/" + suffix }
        op.arguments = [item(r)]
        op.confirm = confirm
        op.examples = ["\(prefix(r)) \(word) \(r.example)" + (confirm ? " --yes" : "")]
        return op
    }

    /// A resource's five entries, named, so that one is changed by what it is, not by
    /// where it stands in a list.
    struct CRUD {
        var list: Operation
        var get: Operation
        var create: Operation
        var update: Operation
        var delete: Operation

        var all: [Operation] { [list, get, create, update, delete] }

        /// Every entry changed the same way.
        mutating func each(_ change: (inout Operation) -> Void) {
            change(&list)
            change(&get)
            change(&create)
            change(&update)
            change(&delete)
        }
    }

    static func crud(_ r: Resource, createExample: String, updateExample: String) -> CRUD {
        var create = create(r)
        create.examples = [createExample]
        var update = update(r)
        update.examples = [updateExample]
        return CRUD(list: list(r), get: get(r), create: create, update: update, delete: delete(r))
    }

    static func prefix(_ r: Resource) -> String { (["pbxctl"] + r.group).joined(separator: " ") }
}
