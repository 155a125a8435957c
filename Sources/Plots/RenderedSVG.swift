/// A finished SVG document and its size, for `<img width height>` in the index.
struct RenderedSVG: Hashable, Sendable {
    /// The document text.
    var text: String
    /// Width in pixels.
    var width: Int
    /// Height in pixels.
    var height: Int
}
