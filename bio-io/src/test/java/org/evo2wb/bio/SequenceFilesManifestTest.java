package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every fixture file read end to end, compared with the counts of the reference manifest (produced by an independent
 * parser): records, bases, features, N, other IUPAC codes and lowercase bases.
 */
class SequenceFilesManifestTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # file                                                         | format  | compression | records | bases   | features | N   | IUPAC | lowercase (-1 = all)
            fasta/any2fasta_Lkirschneri_24contigs_iupac.fna.gz             | FASTA   | GZIP  | 24 | 57687   | 0    | 1     | 2  | 0
            fasta/biopython_HIV1_NC_001802_lowercase.fna.gz                | FASTA   | GZIP  | 1  | 9181    | 0    | 0     | 0  | 9181
            fasta/biopython_NC_005816.ffn.gz                               | FASTA   | GZIP  | 10 | 5814    | 0    | 0     | 0  | 0
            fasta/biopython_NC_005816.fna.gz                               | FASTA   | GZIP  | 1  | 9609    | 0    | 0     | 0  | 0
            fasta/biopython_blat_balAcu1_softmasked.fa.gz                  | FASTA   | GZIP  | 3  | 33255   | 0    | 0     | 0  | 11169
            fasta/biopython_blat_dna_softmasked.fa.gz                      | FASTA   | GZIP  | 2  | 8200    | 0    | 0     | 0  | 5183
            fasta/biopython_blat_hg38_softmasked.fa.gz                     | FASTA   | GZIP  | 2  | 61674   | 0    | 0     | 0  | 26852
            fasta/biopython_human_g1k_v37_chr1_truncated.fasta.gz          | FASTA   | GZIP  | 1  | 239940  | 0    | 60000 | 0  | 0
            fasta/biopython_ls_orchid.fasta.gz                             | FASTA   | GZIP  | 94 | 67518   | 0    | 541   | 0  | 0
            fasta/scerevisiae_chrI.bgzf.fa.gz                              | FASTA   | BGZF  | 1  | 230208  | 0    | 0     | 0  | 0
            fasta/seqinr_humanMito_semicolon_comments.fasta                | FASTA   | NONE  | 1  | 16571   | 0    | 0     | 0  | 0
            genbank/any2fasta_Lkirschneri_WGS_75contigs.gbk.gz             | GENBANK | GZIP  | 75 | 4594734 | 8503 | 0     | 0  | -1
            genbank/biopython_NC_000932.gb.gz                              | GENBANK | GZIP  | 1  | 154478  | 259  | 0     | 0  | -1
            genbank/biopython_NC_001422.gbk.gz                             | GENBANK | GZIP  | 1  | 5386    | 21   | 0     | 0  | -1
            genbank/biopython_NC_005816.gb.gz                              | GENBANK | GZIP  | 1  | 9609    | 41   | 0     | 0  | -1
            genbank/biopython_addgene-plasmid-11664-sequence-180430.gbk.gz | GENBANK | GZIP  | 1  | 8596    | 34   | 0     | 0  | -1
            genbank/biopython_arab1.gb.gz                                  | GENBANK | GZIP  | 1  | 86436   | 19   | 0     | 0  | -1
            genbank/biopython_bad_loc_wrap.gb.gz                           | GENBANK | GZIP  | 1  | 6000    | 1    | 0     | 0  | -1
            genbank/biopython_cor6_6.gb.gz                                 | GENBANK | GZIP  | 6  | 2819    | 38   | 2     | 0  | -1
            genbank/biopython_empty_feature_qualifier.gb.gz                | GENBANK | GZIP  | 1  | 6497    | 1    | 0     | 0  | -1
            genbank/biopython_extra_keywords.gb.gz                         | GENBANK | GZIP  | 1  | 154329  | 25   | 0     | 0  | -1
            genbank/biopython_ls_orchid.gbk.bz2                            | GENBANK | BZIP2 | 94 | 67518   | 470  | 541   | 0  | -1
            genbank/biopython_ls_orchid.gbk.gz                             | GENBANK | GZIP  | 94 | 67518   | 470  | 541   | 0  | -1
            genbank/biopython_no_end_marker.gb.gz                          | GENBANK | GZIP  | 1  | 6497    | 1    | 0     | 0  | -1
            genbank/biopython_one_of.gb.gz                                 | GENBANK | GZIP  | 1  | 2509    | 6    | 0     | 0  | -1
            genbank/biopython_origin_line.gb                               | GENBANK | NONE  | 1  | 180     | 2    | 0     | 0  | -1
            genbank/biopython_pBAD30.gb.gz                                 | GENBANK | GZIP  | 1  | 4923    | 13   | 0     | 0  | -1
            genbank/gbbct1.seq                                             | GENBANK | NONE  | 3  | 28170   | 61   | 0     | 0  | -1
            genbank/kaptive_Klebsiella_K_locus_variant_reference.gbk.gz    | GENBANK | GZIP  | 27 | 645779  | 641  | 904   | 20 | -1
            genbank/kaptive_Klebsiella_O_locus_primary_reference.gbk       | GENBANK | NONE  | 16 | 139875  | 231  | 0     | 0  | -1
            genbank/seqinr_ctrachomatis_CHLTCG.gbk.gz                      | GENBANK | GZIP  | 1  | 1042519 | 976  | 0     | 0  | -1
            embl/any2fasta_test.embl                                       | EMBL    | NONE  | 2  | 1138    | 2    | 0     | 0  | -1
            embl/biopython_AE017046.embl.gz                                | EMBL    | GZIP  | 1  | 9609    | 29   | 0     | 0  | -1
            embl/biopython_U87107.embl.gz                                  | EMBL    | GZIP  | 1  | 8840    | 6    | 0     | 0  | -1
            embl/emboss_pro.dat                                            | EMBL    | NONE  | 10 | 22845   | 50   | 0     | 0  | -1
            """)
    void countsMatchTheReferenceManifest(String file, SequenceFormat format, Compression compression, int records,
            long bases, int features, long n, long iupac, long lowercase) throws Exception {
        List<SequenceRecord> read = new ArrayList<>();
        ReadSummary summary = SequenceFiles.forEach(TestData.path(file), ReadProgress.NONE, read::add);

        assertEquals(format, summary.format());
        assertEquals(compression, summary.compression());
        assertEquals(records, read.size());
        assertEquals(records, summary.records());
        assertEquals(bases, read.stream().mapToLong(SequenceRecord::length).sum());
        assertEquals(bases, summary.bases());
        assertEquals(features, read.stream().mapToInt(r -> r.features().size()).sum());
        long nCount = 0;
        long iupacCount = 0;
        long lower = 0;
        for (SequenceRecord r : read) {
            RecordQc qc = RecordQc.of(r);
            nCount += Math.round(qc.nFraction() * qc.length());
            iupacCount += qc.iupacCount();
            lower += Math.round(qc.lowercaseFraction() * qc.length());
        }
        assertEquals(n, nCount, "N");
        assertEquals(iupac, iupacCount, "IUPAC codes other than N");
        assertEquals(lowercase < 0 ? bases : lowercase, lower, "lowercase bases");
    }

    @Test
    void allFeaturesOfTheLeptospiraWgsFileComeBackByType() throws Exception {
        // feature keys counted with grep over the file's feature table (columns 6-20), independent of this reader
        List<SequenceRecord> read = SequenceFiles.read(TestData.path("genbank/any2fasta_Lkirschneri_WGS_75contigs.gbk.gz"));
        Map<String, Integer> byType = new TreeMap<>();
        for (SequenceRecord r : read) {
            RecordQc.of(r).featureCounts().forEach((k, v) -> byType.merge(k, v, Integer::sum));
        }
        assertEquals(Map.of("CDS", 4162, "gene", 4207, "misc_feature", 3, "ncRNA", 1, "rRNA", 6, "regulatory", 3,
                "repeat_region", 8, "source", 75, "tRNA", 37, "tmRNA", 1), byType);
        assertEquals(8503, byType.values().stream().mapToInt(Integer::intValue).sum());
    }
}
