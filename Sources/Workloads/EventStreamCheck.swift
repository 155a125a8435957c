import VTd

/// Checks that an event stream is well-formed, whatever DID scheme later runs it: what the
/// generators promise and what trace replay must keep. Used by the tests; a consumer may run it
/// on an untrusted stream.
///
/// Rules: times never go back; a domain is created once before use and destroyed only when it
/// has no attachments and no live nested children; a nested domain's parent exists and is
/// second-stage; an attachment names a device of the topology and a free (device, PASID); every
/// detach matches a live attachment; an SVA domain attaches through one non-zero PASID and no two
/// SVA domains are attached through one PASID at once; `map` only maps unmapped pages and `unmap` only mapped ones; a page
/// unmapped while the domain is attached is not mapped again before a flush covers it (IOVA reuse
/// before invalidation would make a stale hit legitimate); an access goes through a live attachment
/// to a page mapped in its domain and, for a nested child, in the parent too (IOVA = GPA).
package struct EventStreamCheck: Sendable {
    /// One broken rule: the event's index and what is wrong.
    package struct Violation: Hashable, Sendable, CustomStringConvertible {
        package let index: Int
        package let message: String
        package var description: String { "event \(index): \(message)" }
    }

    /// Whether page-table rules (map, unmap, access, reuse) are checked. Trace replay has no page
    /// tables: check it with `pageTables: false`.
    package var pageTables: Bool
    /// Stop after this many violations.
    package var limit: Int

    package init(pageTables: Bool = true, limit: Int = 50) {
        self.pageTables = pageTables
        self.limit = limit
    }

    private struct Key: Hashable { let device: DeviceID; let pasid: PASID }
    private struct DomainState {
        let kind: DomainKind
        var attachments = 0
        var children = 0
        var pasid: PASID?
        var mapped: Set<UInt64> = []
        var awaitingFlush: Set<UInt64> = []
    }

    /// The violations of `events` on `topology` (empty when well-formed).
    package func violations(of events: [TimedWorkloadEvent], topology: Topology) -> [Violation] {
        var found: [Violation] = []
        var domains: [IOMMUDomainID: DomainState] = [:]
        var attachments: [Key: IOMMUDomainID] = [:]
        var svaPASIDs: [PASID: (domain: IOMMUDomainID, attachments: Int)] = [:]
        var lastTime: UInt64 = 0

        func fail(_ index: Int, _ message: String) {
            if found.count < limit { found.append(Violation(index: index, message: message)) }
        }

        for (index, timed) in events.enumerated() {
            if found.count >= limit { break }
            if timed.time < lastTime { fail(index, "time goes back from \(lastTime) to \(timed.time)") }
            lastTime = max(lastTime, timed.time)
            switch timed.event {
            case let .createDomain(domain, kind):
                guard domains[domain] == nil else { fail(index, "\(domain) created twice"); continue }
                if let parent = kind.parent {
                    guard let state = domains[parent] else {
                        fail(index, "\(domain): parent \(parent) does not exist"); continue
                    }
                    guard state.kind == .secondStage else {
                        fail(index, "\(domain): parent \(parent) is not second-stage"); continue
                    }
                    domains[parent]!.children += 1
                }
                domains[domain] = DomainState(kind: kind)
            case let .destroyDomain(domain):
                guard let state = domains[domain] else { fail(index, "destroy of unknown \(domain)"); continue }
                guard state.attachments == 0, state.children == 0 else {
                    fail(
                        index,
                        "\(domain) destroyed with \(state.attachments) attachments and \(state.children) children")
                    continue
                }
                if let parent = state.kind.parent { domains[parent]?.children -= 1 }
                domains[domain] = nil
            case let .attach(domain, device, pasid):
                guard let state = domains[domain] else { fail(index, "attach of unknown \(domain)"); continue }
                guard topology.devices.indices.contains(device.rawValue) else {
                    fail(index, "attach to unknown \(device)"); continue
                }
                let key = Key(device: device, pasid: pasid)
                if let holder = attachments[key] {
                    fail(index, "\(device) \(pasid) attached twice (holds \(holder))"); continue
                }
                if case .sva = state.kind {
                    if pasid.isNone { fail(index, "sva \(domain) attached without a PASID") }
                    if let own = state.pasid, own != pasid { fail(index, "sva \(domain) uses \(own) and \(pasid)") }
                    if let other = svaPASIDs[pasid], other.domain != domain {
                        fail(index, "\(pasid) attached by sva \(other.domain) and \(domain) at once")
                    }
                    svaPASIDs[pasid] = (domain, (svaPASIDs[pasid]?.attachments ?? 0) + 1)
                    domains[domain]!.pasid = pasid
                }
                attachments[key] = domain
                domains[domain]!.attachments += 1
            case let .detach(device, pasid):
                guard let domain = attachments.removeValue(forKey: Key(device: device, pasid: pasid)) else {
                    fail(index, "detach of \(device) \(pasid), which is not attached")
                    continue
                }
                domains[domain]!.attachments -= 1
                if case .sva = domains[domain]!.kind, let holder = svaPASIDs[pasid], holder.domain == domain {
                    svaPASIDs[pasid] = holder.attachments > 1 ? (domain, holder.attachments - 1) : nil
                }
                // Tearing down the last attachment flushes all the domain's cached entries.
                if domains[domain]!.attachments == 0, domains[domain]!.children == 0 {
                    domains[domain]!.awaitingFlush.removeAll()
                }
            case let .map(domain, firstPage, pageCount):
                guard domains[domain] != nil else { fail(index, "map in unknown \(domain)"); continue }
                guard pageTables else { continue }
                for page in firstPage..<(firstPage + pageCount) {
                    if domains[domain]!.awaitingFlush.contains(page) {
                        fail(index, "\(domain) maps page \(hex(page)) again before its unmap was flushed")
                        break
                    }
                    if !domains[domain]!.mapped.insert(page).inserted {
                        fail(index, "\(domain) maps page \(hex(page)), which is mapped")
                        break
                    }
                }
            case let .unmap(domain, firstPage, pageCount):
                guard let state = domains[domain] else { fail(index, "unmap in unknown \(domain)"); continue }
                guard pageTables else { continue }
                for page in firstPage..<(firstPage + pageCount) {
                    guard domains[domain]!.mapped.remove(page) != nil else {
                        fail(index, "\(domain) unmaps page \(hex(page)), which is not mapped")
                        break
                    }
                    if state.attachments > 0 || state.children > 0 { domains[domain]!.awaitingFlush.insert(page) }
                }
            case let .flushRange(domain, range, _), let .flushRangeForNewMappings(domain, range):
                guard domains[domain] != nil else { fail(index, "flush of unknown \(domain)"); continue }
                if pageTables, !domains[domain]!.awaitingFlush.isEmpty {
                    domains[domain]!.awaitingFlush = domains[domain]!.awaitingFlush.filter {
                        $0 < range.firstPage || $0 > range.lastPage
                    }
                }
            case let .flushAll(domain):
                guard domains[domain] != nil else { fail(index, "flush of unknown \(domain)"); continue }
                domains[domain]!.awaitingFlush.removeAll()
            case let .access(device, pasid, page):
                guard let domain = attachments[Key(device: device, pasid: pasid)] else {
                    fail(index, "access through \(device) \(pasid), which is not attached")
                    continue
                }
                guard pageTables else { continue }
                guard domains[domain]!.mapped.contains(page) else {
                    fail(index, "access to page \(hex(page)), not mapped in \(domain)")
                    continue
                }
                if let parent = domains[domain]!.kind.parent, domains[parent]?.mapped.contains(page) != true {
                    fail(index, "access through nested \(domain) to page \(hex(page)), not mapped in parent \(parent)")
                }
            }
        }
        return found
    }

    /// The violations of an untimed stream.
    package func violations(of events: [WorkloadEvent], topology: Topology) -> [Violation] {
        violations(of: events.map { TimedWorkloadEvent(time: 0, event: $0) }, topology: topology)
    }
}
