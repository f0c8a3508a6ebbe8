// The single error type of LakeSQL: every failure a user can cause carries a
// PostgreSQL SQLSTATE, a message, and optionally a 1-based character position
// in the statement text, a detail and a hint. Front ends render it; nothing
// above this layer invents its own error type.

public struct SQLError: Error, CustomStringConvertible, Equatable, Sendable {
    public var sqlState: String
    public var message: String
    /// 1-based character offset into the statement text (PostgreSQL's `position`).
    public var position: Int?
    public var detail: String?
    public var hint: String?

    public init(_ sqlState: String, _ message: String, position: Int? = nil, detail: String? = nil, hint: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.position = position
        self.detail = detail
        self.hint = hint
    }

    public var description: String { "ERROR: \(message) (SQLSTATE \(sqlState))" }
}

/// SQLSTATE codes used across LakeSQL (PostgreSQL's Appendix A).
public enum SQLState {
    public static let successfulCompletion = "00000"
    public static let warning = "01000"
    public static let featureNotSupported = "0A000"
    public static let cardinalityViolation = "21000"
    public static let dataException = "22000"
    public static let stringDataRightTruncation = "22001"
    public static let numericValueOutOfRange = "22003"
    public static let nullValueNotAllowed = "22004"
    public static let invalidDatetimeFormat = "22007"
    public static let datetimeFieldOverflow = "22008"
    public static let invalidTimeZoneDisplacement = "22009"
    public static let divisionByZero = "22012"
    public static let invalidArgumentForLogarithm = "2201E"
    public static let invalidArgumentForPower = "2201F"
    public static let invalidRegularExpression = "2201B"
    public static let invalidParameterValue = "22023"
    public static let invalidEscapeSequence = "22025"
    public static let invalidTextRepresentation = "22P02"
    public static let invalidBinaryRepresentation = "22P03"
    public static let characterNotInRepertoire = "22021"
    public static let notNullViolation = "23502"
    public static let invalidCursorState = "24000"
    public static let activeSQLTransaction = "25001"
    public static let noActiveSQLTransaction = "25P01"
    public static let inFailedSQLTransaction = "25P02"
    public static let invalidSQLStatementName = "26000"
    public static let invalidAuthorizationSpecification = "28000"
    public static let invalidPassword = "28P01"
    public static let invalidCatalogName = "3D000"
    public static let invalidSchemaName = "3F000"
    public static let invalidCursorName = "34000"
    public static let syntaxError = "42601"
    public static let insufficientPrivilege = "42501"
    public static let undefinedColumn = "42703"
    public static let undefinedFunction = "42883"
    public static let undefinedTable = "42P01"
    public static let undefinedParameter = "42P02"
    public static let undefinedObject = "42704"
    public static let duplicateColumn = "42701"
    public static let duplicateTable = "42P07"
    public static let duplicateSchema = "42P06"
    public static let duplicateObject = "42710"
    public static let duplicateAlias = "42712"
    public static let ambiguousColumn = "42702"
    public static let ambiguousFunction = "42725"
    public static let groupingError = "42803"
    public static let windowingError = "42P20"
    public static let datatypeMismatch = "42804"
    public static let cannotCoerce = "42846"
    public static let indeterminateDatatype = "42P18"
    public static let invalidColumnReference = "42P10"
    public static let wrongObjectType = "42809"
    public static let invalidRecursion = "42P19"
    public static let programLimitExceeded = "54000"
    public static let outOfMemory = "53200"
    public static let diskFull = "53100"
    public static let queryCanceled = "57014"
    public static let adminShutdown = "57P01"
    public static let ioError = "58030"
    public static let undefinedFile = "58P01"
    public static let configFileError = "F0000"
    public static let protocolViolation = "08P01"
    public static let internalError = "XX000"
    public static let dataCorrupted = "XX001"
}
