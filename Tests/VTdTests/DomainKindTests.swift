import TestSupport
import Testing
import VTd

@Suite struct DomainKindTests {
    @Test func namesStagesAndParents() {
        let parent = IOMMUDomainID(7)
        let cases: [(DomainKind, String, Bool, IOMMUDomainID?, String)] = [
            (.secondStage, "second-stage", false, nil, "second-stage"),
            (.firstStage, "first-stage", true, nil, "first-stage"),
            (.sva, "sva", true, nil, "sva"),
            (.nested(parent: parent), "nested", true, parent, "nested on domain7"),
        ]
        for (kind, name, firstStage, kindParent, description) in cases {
            #expect(kind.name == name)
            #expect(kind.usesFirstStage == firstStage)
            #expect(kind.parent == kindParent)
            #expect(kind.description == description)
        }
    }
}
