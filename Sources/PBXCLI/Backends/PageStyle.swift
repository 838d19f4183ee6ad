import PBXEngine

/// How a backend's list endpoints take the next page: `api --paginate` (and the shared
/// pager) read it from the backend instead of asking which backend it is.
public enum PageStyle: Sendable, Equatable {
    /// `skip`/`top` item offsets (PortSIP's style), `pageSize` items a request.
    case skipTop(pageSize: Int)
    /// `page` (from 1)/`limit` (Vonage's style), `pageSize` items a request.
    case pageLimit(pageSize: Int)

    public var pageSize: Int {
        switch self {
        case .skipTop(let size), .pageLimit(let size): return size
        }
    }
}
