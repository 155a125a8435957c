import TestSupport
import Testing
import VTd

@Suite struct IOVARangeTests {
    @Test func inclusiveBytesAndPages() throws {
        let range = try IOVARange(start: 0x1234, end: 0x5678)
        #expect(range.firstPage == 1)
        #expect(range.lastPage == 5)
        #expect(range.pageCount == 5, "partial pages at either end count (aligned_nrpages)")
        #expect(range.description == "[0x1234-0x5678]")
        #expect(try IOVARange(start: 0x5000, end: 0x5000).pageCount == 1)
    }

    @Test func endBelowStartThrows() {
        let error = #expect(throws: VTdError.self) { try IOVARange(start: 0x2000, end: 0x1fff) }
        #expect(error?.field == "end")
    }

    @Test func pageFormMatchesByteForm() throws {
        #expect(IOVARange(firstPage: 3, pageCount: 2) == (try IOVARange(start: 0x3000, end: 0x4fff)))
        #expect(IOVARange(firstPage: 0, pageCount: pageFrameCount) == .everything)
        #expect(IOVARange(firstPage: lastPageFrame, pageCount: 1) == (try IOVARange(start: .max - 0xfff, end: .max)))
    }

    @Test func everything() {
        #expect(IOVARange.everything.start == 0)
        #expect(IOVARange.everything.end == .max)
        #expect(IOVARange.everything.firstPage == 0)
        #expect(IOVARange.everything.lastPage == lastPageFrame)
        // 2^52 frames: the count fits, nothing saturates.
        #expect(IOVARange.everything.pageCount == pageFrameCount)
    }

    @Test func pageFormPastTheTopTraps() async {
        // Without a check the end wrapped below the start (end < start), breaking the invariant.
        await #expect(processExitsWith: .failure) {
            _ = IOVARange(firstPage: (1 << 52) - 1, pageCount: 2)
        }
    }
}
