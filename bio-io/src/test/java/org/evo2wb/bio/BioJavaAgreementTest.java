package org.evo2wb.bio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.biojava.nbio.core.sequence.DNASequence;
import org.biojava.nbio.core.sequence.compound.AmbiguityDNACompoundSet;
import org.biojava.nbio.core.sequence.compound.NucleotideCompound;
import org.biojava.nbio.core.sequence.io.DNASequenceCreator;
import org.biojava.nbio.core.sequence.io.FastaReader;
import org.biojava.nbio.core.sequence.io.GenbankReader;
import org.biojava.nbio.core.sequence.io.GenericFastaHeaderParser;
import org.biojava.nbio.core.sequence.io.GenericGenbankHeaderParser;
import org.junit.jupiter.api.Test;

/**
 * Where BioJava is right (distinct ids, IUPAC compound set, local files), its readers serve as an independent
 * reference for the bases this reader returns.
 */
class BioJavaAgreementTest {

    private static InputStream gunzip(String file) throws Exception {
        return new GZIPInputStream(Files.newInputStream(TestData.path(file)));
    }

    @Test
    void softMaskedFastaWithIupacCodesMatchesBioJavaExactly() throws Exception {
        for (String file : List.of("fasta/biopython_blat_hg38_softmasked.fa.gz",
                "fasta/any2fasta_Lkirschneri_24contigs_iupac.fna.gz")) {
            Map<String, DNASequence> biojava;
            try (InputStream in = gunzip(file)) {
                biojava = new FastaReader<DNASequence, NucleotideCompound>(in, new GenericFastaHeaderParser<>(),
                        new DNASequenceCreator(AmbiguityDNACompoundSet.getDNACompoundSet())).process();
            }
            List<SequenceRecord> ours = SequenceFiles.read(TestData.path(file));
            assertEquals(biojava.size(), ours.size(), file);
            List<String> theirs = new ArrayList<>();
            biojava.values().forEach(s -> theirs.add(s.getSequenceAsString()));
            assertEquals(theirs, ours.stream().map(SequenceRecord::sequence).toList(), file);
        }
    }

    @Test
    void genbankBasesMatchBioJavaUpToItsUpperCasing() throws Exception {
        Map<String, DNASequence> biojava;
        try (InputStream in = gunzip("genbank/biopython_NC_000932.gb.gz")) {
            biojava = new GenbankReader<DNASequence, NucleotideCompound>(in, new GenericGenbankHeaderParser<>(),
                    new DNASequenceCreator(AmbiguityDNACompoundSet.getDNACompoundSet())).process();
        }
        SequenceRecord ours = SequenceFiles.read(TestData.path("genbank/biopython_NC_000932.gb.gz")).get(0);
        assertEquals(1, biojava.size());
        String theirs = biojava.values().iterator().next().getSequenceAsString();
        assertEquals(theirs.toUpperCase(), ours.sequence().toUpperCase());
        assertEquals(154478, theirs.length());
    }
}
