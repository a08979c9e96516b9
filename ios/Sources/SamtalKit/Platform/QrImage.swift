import CoreImage
import CoreImage.CIFilterBuiltins
import UIKit

/// Draws a BankID QR payload (`bankid.…`) with Core Image's QR generator, sharp modules
/// scaled up; the screen adds the white quiet zone around it.
public enum QrImage {
    private static let context = CIContext()

    public static func make(_ payload: String, scale: CGFloat = 8) -> UIImage? {
        let filter = CIFilter.qrCodeGenerator()
        filter.message = Data(payload.utf8)
        filter.correctionLevel = "M"
        guard let output = filter.outputImage?.transformed(by: CGAffineTransform(scaleX: scale, y: scale)),
              let image = context.createCGImage(output, from: output.extent)
        else { return nil }
        return UIImage(cgImage: image)
    }
}
