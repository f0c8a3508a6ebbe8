// Parquet footer and page-header structures (parquet.thrift) decoded with
// ThriftReader. Only the fields the reader uses are kept; all others are
// skipped by type. Enumerations stay raw integers where files in the wild
// carry values newer than this reader.

import Columnar

public enum ParquetPhysicalType: Int32, Sendable {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

    var name: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .int32: return "INT32"
        case .int64: return "INT64"
        case .int96: return "INT96"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case .byteArray: return "BYTE_ARRAY"
        case .fixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

public enum ParquetRepetition: Int32, Sendable { case required = 0, optional = 1, repeated = 2 }

public enum ParquetTimeUnit: Sendable { case millis, micros, nanos }

/// The LogicalType union (field ids from parquet.thrift).
public enum ParquetLogicalType: Sendable, Equatable {
    case string, map, list, enumeration
    case decimal(scale: Int, precision: Int)
    case date
    case time(adjustedToUTC: Bool, unit: ParquetTimeUnit)
    case timestamp(adjustedToUTC: Bool, unit: ParquetTimeUnit)
    case integer(bitWidth: Int, signed: Bool)
    case unknown, json, bson, uuid, float16, variant, geometry, geography
    /// A union member this reader does not know: the physical type is used.
    case unsupported(Int)
}

enum ParquetEncoding {
    static let plain: Int32 = 0, plainDictionary: Int32 = 2, rle: Int32 = 3, bitPacked: Int32 = 4
    static let deltaBinaryPacked: Int32 = 5, deltaLengthByteArray: Int32 = 6, deltaByteArray: Int32 = 7
    static let rleDictionary: Int32 = 8, byteStreamSplit: Int32 = 9

    static func name(_ e: Int32) -> String {
        switch e {
        case 0: return "PLAIN"
        case 2: return "PLAIN_DICTIONARY"
        case 3: return "RLE"
        case 4: return "BIT_PACKED"
        case 5: return "DELTA_BINARY_PACKED"
        case 6: return "DELTA_LENGTH_BYTE_ARRAY"
        case 7: return "DELTA_BYTE_ARRAY"
        case 8: return "RLE_DICTIONARY"
        case 9: return "BYTE_STREAM_SPLIT"
        default: return "encoding \(e)"
        }
    }
}

public struct SchemaElement: Sendable {
    public var type: ParquetPhysicalType?
    public var typeLength: Int32?
    public var repetition: ParquetRepetition?
    public var name = ""
    public var numChildren: Int32?
    public var convertedType: Int32?
    public var scale: Int32?
    public var precision: Int32?
    public var logicalType: ParquetLogicalType?
}

public struct ParquetStatisticsRaw: Sendable {
    public var max: [UInt8]?
    public var min: [UInt8]?
    public var nullCount: Int64?
    public var distinctCount: Int64?
    public var maxValue: [UInt8]?
    public var minValue: [UInt8]?
}

public struct ColumnMetaData: Sendable {
    public var type: Int32 = 0
    public var encodings: [Int32] = []
    public var pathInSchema: [String] = []
    public var codec: Int32 = 0
    public var numValues: Int64 = 0
    public var totalUncompressedSize: Int64 = 0
    public var totalCompressedSize: Int64 = 0
    public var dataPageOffset: Int64 = 0
    public var indexPageOffset: Int64?
    public var dictionaryPageOffset: Int64?
    public var statistics: ParquetStatisticsRaw?
    /// How many pages of each type used each encoding (absent in files of old writers).
    public var encodingStats: [PageEncodingStats]?
    public var bloomFilterOffset: Int64?
    public var bloomFilterLength: Int32?
}

public struct PageEncodingStats: Sendable, Equatable {
    public var pageType: Int32 = 0
    public var encoding: Int32 = 0
    public var count: Int32 = 0
}

/// BloomFilterHeader: only the split-block algorithm, XXH64 and no compression are defined.
struct BloomFilterHeader {
    var numBytes: Int32 = 0
    var splitBlock = false
    var xxHash = false
    var uncompressed = false
}

public struct ColumnChunk: Sendable {
    public var filePath: String?
    public var fileOffset: Int64 = 0
    public var metaData: ColumnMetaData?
    public var offsetIndexOffset: Int64?
    public var offsetIndexLength: Int32?
    public var columnIndexOffset: Int64?
    public var columnIndexLength: Int32?
    /// Set when the chunk is encrypted (crypto_metadata or encrypted_column_metadata present).
    public var encrypted = false
}

public struct RowGroup: Sendable {
    public var columns: [ColumnChunk] = []
    public var totalByteSize: Int64 = 0
    public var numRows: Int64 = 0
}

public struct FileMetaData: Sendable {
    public var version: Int32 = 0
    public var schema: [SchemaElement] = []
    public var numRows: Int64 = 0
    public var rowGroups: [RowGroup] = []
    public var keyValueMetadata: [(String, String?)] = []
    public var createdBy: String?
    /// One entry per leaf column: true when TYPE_ORDER (the only defined order) is declared.
    public var columnOrders: [Bool]?
    public var encrypted = false
}

enum PageType: Int32 { case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3 }

struct DataPageHeader {
    var numValues: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelEncoding: Int32 = 3
    var repetitionLevelEncoding: Int32 = 3
}

struct DataPageHeaderV2 {
    var numValues: Int32 = 0
    var numNulls: Int32 = 0
    var numRows: Int32 = 0
    var encoding: Int32 = 0
    var definitionLevelsByteLength: Int32 = 0
    var repetitionLevelsByteLength: Int32 = 0
    var isCompressed = true
}

struct DictionaryPageHeader {
    var numValues: Int32 = 0
    var encoding: Int32 = 0
}

struct PageHeader {
    var type: Int32 = -1
    var uncompressedPageSize: Int32 = 0
    var compressedPageSize: Int32 = 0
    var crc: Int32?
    var dataPageHeader: DataPageHeader?
    var dictionaryPageHeader: DictionaryPageHeader?
    var dataPageHeaderV2: DataPageHeaderV2?
}

public struct PageLocation: Sendable, Equatable {
    public var offset: Int64 = 0
    public var compressedPageSize: Int32 = 0
    public var firstRowIndex: Int64 = 0
}

public struct OffsetIndex: Sendable {
    public var pageLocations: [PageLocation] = []
}

public struct ColumnIndex: Sendable {
    public var nullPages: [Bool] = []
    public var minValues: [[UInt8]] = []
    public var maxValues: [[UInt8]] = []
    public var boundaryOrder: Int32 = 0
    public var nullCounts: [Int64]?
}

// MARK: - Decoding

extension ThriftReader {
    mutating func readFileMetaData() throws -> FileMetaData {
        var m = FileMetaData()
        var sawSchema = false, sawRows = false, sawGroups = false
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32): m.version = try r.readI32()
            case (2, .list): m.schema = try r.readList { r, _ in try r.readSchemaElement() }; sawSchema = true
            case (3, .i64): m.numRows = try r.readI64(); sawRows = true
            case (4, .list): m.rowGroups = try r.readList { r, _ in try r.readRowGroup() }; sawGroups = true
            case (5, .list):
                m.keyValueMetadata = try r.readList { r, _ in
                    var k = "", v: String?
                    try r.readStruct { r, id, t in
                        switch (id, t) {
                        case (1, .binary): k = try r.readString()
                        case (2, .binary): v = try r.readString()
                        default: try r.skip(t)
                        }
                    }
                    return (k, v)
                }
            case (6, .binary): m.createdBy = try r.readString()
            case (7, .list):
                m.columnOrders = try r.readList { r, _ in
                    var typeOrder = false
                    try r.readStruct { r, id, t in
                        if id == 1 { typeOrder = true }
                        try r.skip(t)
                    }
                    return typeOrder
                }
            case (8, _): m.encrypted = true; try r.skip(t)
            default: try r.skip(t)
            }
        }
        guard sawSchema, sawRows, sawGroups else { throw corrupt("FileMetaData lacks a required field") }
        return m
    }

    mutating func readSchemaElement() throws -> SchemaElement {
        var e = SchemaElement()
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32):
                let v = try r.readI32()
                guard let pt = ParquetPhysicalType(rawValue: v) else { throw r.corrupt("invalid physical type \(v) in schema") }
                e.type = pt
            case (2, .i32): e.typeLength = try r.readI32()
            case (3, .i32):
                let v = try r.readI32()
                guard let rep = ParquetRepetition(rawValue: v) else { throw r.corrupt("invalid repetition type \(v) in schema") }
                e.repetition = rep
            case (4, .binary): e.name = try r.readString()
            case (5, .i32): e.numChildren = try r.readI32()
            case (6, .i32): e.convertedType = try r.readI32()
            case (7, .i32): e.scale = try r.readI32()
            case (8, .i32): e.precision = try r.readI32()
            case (10, .structure): e.logicalType = try r.readLogicalType()
            default: try r.skip(t)
            }
        }
        return e
    }

    mutating func readTimeUnit() throws -> ParquetTimeUnit {
        var unit = ParquetTimeUnit.micros
        try readStruct { r, id, t in
            switch id {
            case 1: unit = .millis
            case 2: unit = .micros
            case 3: unit = .nanos
            default: break
            }
            try r.skip(t)
        }
        return unit
    }

    mutating func readLogicalType() throws -> ParquetLogicalType? {
        var result: ParquetLogicalType?
        try readStruct { r, id, t in
            switch (id, t) {
            case (5, .structure):
                var scale = 0, precision = 0
                try r.readStruct { r, id, t in
                    switch (id, t) {
                    case (1, .i32): scale = Int(try r.readI32())
                    case (2, .i32): precision = Int(try r.readI32())
                    default: try r.skip(t)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
            case (7, .structure), (8, .structure):
                var utc = false, unit = ParquetTimeUnit.micros
                try r.readStruct { r, fid, ft in
                    switch (fid, ft) {
                    case (1, .boolTrue), (1, .boolFalse): utc = try r.readBool(ft)
                    case (2, .structure): unit = try r.readTimeUnit()
                    default: try r.skip(ft)
                    }
                }
                result = id == 7 ? .time(adjustedToUTC: utc, unit: unit) : .timestamp(adjustedToUTC: utc, unit: unit)
            case (10, .structure):
                var width = 32, signed = true
                try r.readStruct { r, fid, ft in
                    switch (fid, ft) {
                    case (1, .byte): width = Int(Int8(bitPattern: try r.byte()))
                    case (2, .boolTrue), (2, .boolFalse): signed = try r.readBool(ft)
                    default: try r.skip(ft)
                    }
                }
                result = .integer(bitWidth: width, signed: signed)
            default:
                try r.skip(t)
                switch id {
                case 1: result = .string
                case 2: result = .map
                case 3: result = .list
                case 4: result = .enumeration
                case 6: result = .date
                case 11: result = .unknown
                case 12: result = .json
                case 13: result = .bson
                case 14: result = .uuid
                case 15: result = .float16
                case 16: result = .variant
                case 17: result = .geometry
                case 18: result = .geography
                default: result = .unsupported(Int(id))
                }
            }
        }
        return result
    }

    mutating func readRowGroup() throws -> RowGroup {
        var g = RowGroup()
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .list): g.columns = try r.readList { r, _ in try r.readColumnChunk() }
            case (2, .i64): g.totalByteSize = try r.readI64()
            case (3, .i64): g.numRows = try r.readI64()
            default: try r.skip(t)
            }
        }
        return g
    }

    mutating func readColumnChunk() throws -> ColumnChunk {
        var c = ColumnChunk()
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .binary): c.filePath = try r.readString()
            case (2, .i64): c.fileOffset = try r.readI64()
            case (3, .structure): c.metaData = try r.readColumnMetaData()
            case (4, .i64): c.offsetIndexOffset = try r.readI64()
            case (5, .i32): c.offsetIndexLength = try r.readI32()
            case (6, .i64): c.columnIndexOffset = try r.readI64()
            case (7, .i32): c.columnIndexLength = try r.readI32()
            case (8, _), (9, _): c.encrypted = true; try r.skip(t)
            default: try r.skip(t)
            }
        }
        return c
    }

    mutating func readColumnMetaData() throws -> ColumnMetaData {
        var m = ColumnMetaData()
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32): m.type = try r.readI32()
            case (2, .list): m.encodings = try r.readList { r, _ in try r.readI32() }
            case (3, .list): m.pathInSchema = try r.readList { r, _ in try r.readString() }
            case (4, .i32): m.codec = try r.readI32()
            case (5, .i64): m.numValues = try r.readI64()
            case (6, .i64): m.totalUncompressedSize = try r.readI64()
            case (7, .i64): m.totalCompressedSize = try r.readI64()
            case (9, .i64): m.dataPageOffset = try r.readI64()
            case (10, .i64): m.indexPageOffset = try r.readI64()
            case (11, .i64): m.dictionaryPageOffset = try r.readI64()
            case (12, .structure): m.statistics = try r.readStatistics()
            case (13, .list):
                m.encodingStats = try r.readList { r, _ in
                    var e = PageEncodingStats()
                    try r.readStruct { r, id, t in
                        switch (id, t) {
                        case (1, .i32): e.pageType = try r.readI32()
                        case (2, .i32): e.encoding = try r.readI32()
                        case (3, .i32): e.count = try r.readI32()
                        default: try r.skip(t)
                        }
                    }
                    return e
                }
            case (14, .i64): m.bloomFilterOffset = try r.readI64()
            case (15, .i32): m.bloomFilterLength = try r.readI32()
            default: try r.skip(t)
            }
        }
        return m
    }

    mutating func readStatistics() throws -> ParquetStatisticsRaw {
        var s = ParquetStatisticsRaw()
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .binary): s.max = try r.readBinary()
            case (2, .binary): s.min = try r.readBinary()
            case (3, .i64): s.nullCount = try r.readI64()
            case (4, .i64): s.distinctCount = try r.readI64()
            case (5, .binary): s.maxValue = try r.readBinary()
            case (6, .binary): s.minValue = try r.readBinary()
            default: try r.skip(t)
            }
        }
        return s
    }

    mutating func readPageHeader() throws -> PageHeader {
        var h = PageHeader()
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32): h.type = try r.readI32()
            case (2, .i32): h.uncompressedPageSize = try r.readI32()
            case (3, .i32): h.compressedPageSize = try r.readI32()
            case (4, .i32): h.crc = try r.readI32()
            case (5, .structure):
                var d = DataPageHeader()
                try r.readStruct { r, id, t in
                    switch (id, t) {
                    case (1, .i32): d.numValues = try r.readI32()
                    case (2, .i32): d.encoding = try r.readI32()
                    case (3, .i32): d.definitionLevelEncoding = try r.readI32()
                    case (4, .i32): d.repetitionLevelEncoding = try r.readI32()
                    default: try r.skip(t)
                    }
                }
                h.dataPageHeader = d
            case (7, .structure):
                var d = DictionaryPageHeader()
                try r.readStruct { r, id, t in
                    switch (id, t) {
                    case (1, .i32): d.numValues = try r.readI32()
                    case (2, .i32): d.encoding = try r.readI32()
                    default: try r.skip(t)
                    }
                }
                h.dictionaryPageHeader = d
            case (8, .structure):
                var d = DataPageHeaderV2()
                try r.readStruct { r, id, t in
                    switch (id, t) {
                    case (1, .i32): d.numValues = try r.readI32()
                    case (2, .i32): d.numNulls = try r.readI32()
                    case (3, .i32): d.numRows = try r.readI32()
                    case (4, .i32): d.encoding = try r.readI32()
                    case (5, .i32): d.definitionLevelsByteLength = try r.readI32()
                    case (6, .i32): d.repetitionLevelsByteLength = try r.readI32()
                    case (7, .boolTrue), (7, .boolFalse): d.isCompressed = try r.readBool(t)
                    default: try r.skip(t)
                    }
                }
                h.dataPageHeaderV2 = d
            default: try r.skip(t)
            }
        }
        return h
    }

    mutating func readBloomFilterHeader() throws -> BloomFilterHeader {
        var h = BloomFilterHeader()
        // Each of algorithm, hash and compression is a union whose field 1 is the only defined member.
        func member(_ r: inout ThriftReader) throws -> Bool {
            var first = false
            try r.readStruct { r, id, t in
                if id == 1 { first = true }
                try r.skip(t)
            }
            return first
        }
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .i32): h.numBytes = try r.readI32()
            case (2, .structure): h.splitBlock = try member(&r)
            case (3, .structure): h.xxHash = try member(&r)
            case (4, .structure): h.uncompressed = try member(&r)
            default: try r.skip(t)
            }
        }
        return h
    }

    mutating func readOffsetIndex() throws -> OffsetIndex {
        var o = OffsetIndex()
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .list):
                o.pageLocations = try r.readList { r, _ in
                    var p = PageLocation()
                    try r.readStruct { r, id, t in
                        switch (id, t) {
                        case (1, .i64): p.offset = try r.readI64()
                        case (2, .i32): p.compressedPageSize = try r.readI32()
                        case (3, .i64): p.firstRowIndex = try r.readI64()
                        default: try r.skip(t)
                        }
                    }
                    return p
                }
            default: try r.skip(t)
            }
        }
        return o
    }

    mutating func readColumnIndex() throws -> ColumnIndex {
        var c = ColumnIndex()
        try readStruct { r, id, t in
            switch (id, t) {
            case (1, .list): c.nullPages = try r.readList { r, et in try r.readBool(et == .boolTrue || et == .boolFalse ? .byte : et) }
            case (2, .list): c.minValues = try r.readList { r, _ in try r.readBinary() }
            case (3, .list): c.maxValues = try r.readList { r, _ in try r.readBinary() }
            case (4, .i32): c.boundaryOrder = try r.readI32()
            case (5, .list): c.nullCounts = try r.readList { r, _ in try r.readI64() }
            default: try r.skip(t)
            }
        }
        return c
    }
}
