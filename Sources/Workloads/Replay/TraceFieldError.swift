/// Why a line is malformed: the field and what is wrong with it. `TraceLexer` adds the file and
/// line and turns it into `WorkloadError.malformedTrace`, printed `FILE:LINE: field 'F': ...`, so a
/// user can find the exact spot in a trace of millions of lines.
struct TraceFieldError: Error {
    let field: String
    let reason: String
}
