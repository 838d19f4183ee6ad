import XCTest
import PBXCrypto
import PBXJSON

final class CryptoTests: XCTestCase {
    func testSHA256Vectors() {
        XCTAssertEqual(Hex.encode(SHA256.hash(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Hex.encode(SHA256.hash([UInt8]())), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Hex.encode(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(Hex.encode(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000))), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (case 5 truncates the output).
    func testHMACRFC4231() {
        let cases: [(key: [UInt8], data: [UInt8], mac: String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (Hex.decode("0102030405060708090a0b0c0d0e0f10111213141516171819")!, [UInt8](repeating: 0xcd, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            ([UInt8](repeating: 0xaa, count: 131),
             Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (index, vector) in cases.enumerated() {
            XCTAssertEqual(Hex.encode(HMACSHA256.authenticate(vector.data, key: vector.key)), vector.mac, "RFC 4231 vector \(index + 1)")
        }
    }

    func testBase64URLRoundTrip() {
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 250) % 256) }
            XCTAssertEqual(Base64URL.decode(Base64URL.encode(bytes)), bytes)
        }
        XCTAssertEqual(Base64URL.encode(Array("any carnal pleas".utf8)), "YW55IGNhcm5hbCBwbGVhcw")
        XCTAssertNil(Base64URL.decode("a*b"))
    }

    /// A token made elsewhere (jwt.io's HS256 example, secret "your-256-bit-secret"):
    /// it verifies; a tampered payload or wrong secret does not.
    func testJWSVerifiesKnownGoodAndRejectsTampered() throws {
        let good = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        let jws = try JWS(compact: good)
        XCTAssertEqual(jws.payload["name"], "John Doe")
        XCTAssertNoThrow(try jws.verify(secret: Array("your-256-bit-secret".utf8)))
        XCTAssertThrowsError(try jws.verify(secret: Array("wrong".utf8)))
        let parts = good.split(separator: ".")
        let forged = Base64URL.encode(Array(#"{"sub":"1234567890","name":"Jane Doe","iat":1516239022}"#.utf8))
        let tampered = try JWS(compact: "\(parts[0]).\(forged).\(parts[2])")
        XCTAssertThrowsError(try tampered.verify(secret: Array("your-256-bit-secret".utf8)))
        XCTAssertThrowsError(try JWS(compact: "only.two"))

        let signed = JWS.signHS256(payload: ["context": ["host": "h"]], secret: Array("s".utf8))
        let round = try JWS(compact: signed)
        XCTAssertNoThrow(try round.verify(secret: Array("s".utf8)))
        XCTAssertEqual(round.payload["context"]?["host"], "h")
    }

    /// `exp`, `nbf` and `iat` against a given clock, with 60 s of leeway for clock skew.
    func testJWSTimeClaims() throws {
        let now = 1_800_000_000
        func claims(_ payload: JSON) throws -> JWS { try JWS(compact: JWS.signHS256(payload: payload, secret: Array("s".utf8))) }
        XCTAssertNoThrow(try claims(["iat": .int(now), "nbf": .int(now), "exp": .int(now + 3600)]).checkTimes(now: now))
        XCTAssertNoThrow(try claims([:]).checkTimes(now: now), "no claims, nothing to check")
        XCTAssertNoThrow(try claims(["exp": .int(now - 59), "nbf": .int(now + 59), "iat": .int(now + 59)]).checkTimes(now: now), "within the leeway")
        XCTAssertThrowsError(try claims(["iat": .int(now - 31_536_000), "exp": .int(now - 31_532_400)]).checkTimes(now: now)) { error in
            XCTAssertTrue("\(error)".contains("expired"), "\(error)")
        }
        XCTAssertThrowsError(try claims(["exp": .int(now - 61)]).checkTimes(now: now))
        XCTAssertThrowsError(try claims(["nbf": .int(now + 3600)]).checkTimes(now: now)) { error in
            XCTAssertTrue("\(error)".contains("not valid before"), "\(error)")
        }
        XCTAssertThrowsError(try claims(["iat": .int(now + 3600)]).checkTimes(now: now)) { error in
            XCTAssertTrue("\(error)".contains("issued in the future"), "\(error)")
        }
        XCTAssertThrowsError(try claims(["exp": "tomorrow"]).checkTimes(now: now), "a time claim that is not a number")
        XCTAssertThrowsError(try claims(["exp": .number("1e300")]).checkTimes(now: now), "nor one out of range")
    }
}
