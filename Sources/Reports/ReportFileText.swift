import Foundation

/// Reading report files as UTF-8 text, and naming them in messages as the user spelled them.
package enum ReportFileText {
    /// The path to show in messages: relative when the URL was built from a relative path.
    package static func displayPath(_ url: URL) -> String {
        url.isFileURL ? url.relativePath : url.absoluteString
    }

    /// The whole file as UTF-8 text, or an error naming the file.
    static func read(_ url: URL) throws(ReportError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ReportError(file: displayPath(url), message: "cannot read: \(ReportFileText.reason(error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReportError(file: displayPath(url), message: "is not valid UTF-8 text")
        }
        return text
    }

    /// A short reason for a Foundation or POSIX error, without the nested userInfo dump.
    package static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let message = strerrorText(Int32(underlying.code))
        {
            return message
        }
        if nsError.domain == NSPOSIXErrorDomain, let message = strerrorText(Int32(nsError.code)) {
            return message
        }
        if nsError.domain == NSCocoaErrorDomain {
            switch nsError.code {
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
            default: break
            }
        }
        return nsError.localizedDescription
    }

    static func strerrorText(_ code: Int32) -> String? {
        guard let text = strerror(code) else { return nil }
        return String(cString: text)
    }
}
